import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { im2col, paddedLayout, rowLengthOf } from "../src/core/columns.js";
import { forward, forwardColumns } from "../src/core/conv.js";
import { layerArrays, randomLayer } from "./helpers/layers.js";

/**
 * forward() reads windows from a zero-padded copy of the input, or from the
 * columns when that copy would be the larger; both must give the very sums
 * of the columns path, bit for bit, and a run must take both.
 */
describe("the forward pass's two layouts", () => {
  it("the padded-input path and the columns path give identical outputs", () => {
    const taken = { padded: 0, columns: 0 };
    fc.assert(
      fc.property(randomLayer, (r) => {
        const { geo, input, filter, bias } = layerArrays(r);
        const columns = geo.batch * geo.groups * geo.outHeight * geo.outWidth * rowLengthOf(geo);
        if (paddedLayout(geo).size <= columns) taken.padded++;
        else taken.columns++;
        const got = forward(geo, input, filter, bias);
        const want = forwardColumns(geo, im2col(geo, input), filter, bias);
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(taken.padded).toBeGreaterThan(0);
    expect(taken.columns).toBeGreaterThan(0);
  });

  it("a known-wrong output is told apart", () => {
    const { geo, input, filter } = layerArrays(fc.sample(randomLayer, { numRuns: 1, seed: 3 })[0]);
    const got = forward(geo, input, filter, null);
    got[got.length - 1] += 1e-12;
    const want = forwardColumns(geo, im2col(geo, input), filter, null);
    expect(Array.from(got)).not.toEqual(Array.from(want));
  });
});
