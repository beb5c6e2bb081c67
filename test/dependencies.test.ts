import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backward, forward } from "../src/core/conv.js";
import {
  type DependencyTables,
  dependencyTables,
  expandDependencies,
  type GradientTensor,
} from "../src/core/dependencies.js";
import { type ConvSpec, computeGeometry, type Geometry } from "../src/core/geometry.js";
import { loadFixture } from "../src/fixture/load.js";
import { expectAllClose, scaleOf } from "./helpers/allclose.js";

/**
 * Every term of the correlation by a plain walk over all indices, bounds
 * tested cell by cell: [output cell, input cell, filter cell].
 */
function allTerms(geo: Geometry): Array<[number, number, number]> {
  const terms: Array<[number, number, number]> = [];
  for (let n = 0; n < geo.batch; n++)
    for (let co = 0; co < geo.outChannels; co++)
      for (let oy = 0; oy < geo.outHeight; oy++)
        for (let ox = 0; ox < geo.outWidth; ox++)
          for (let ci = 0; ci < geo.inPerGroup; ci++)
            for (let ky = 0; ky < geo.kernelHeight; ky++)
              for (let kx = 0; kx < geo.kernelWidth; kx++) {
                const iy = oy * geo.strideHeight + ky * geo.dilationHeight - geo.padTop;
                const ix = ox * geo.strideWidth + kx * geo.dilationWidth - geo.padLeft;
                if (iy < 0 || iy >= geo.inHeight || ix < 0 || ix >= geo.inWidth) continue;
                const c = Math.floor(co / geo.outPerGroup) * geo.inPerGroup + ci;
                const out = ((n * geo.outChannels + co) * geo.outHeight + oy) * geo.outWidth + ox;
                const inp = ((n * geo.inChannels + c) * geo.inHeight + iy) * geo.inWidth + ix;
                const fil =
                  ((co * geo.inPerGroup + ci) * geo.kernelHeight + ky) * geo.kernelWidth + kx;
                terms.push([out, inp, fil]);
              }
  return terms;
}

const key = (pairs: Array<[number, number]>) =>
  pairs
    .map(([a, b]) => `${a}:${b}`)
    .sort()
    .join(" ");

function expanded(tables: DependencyTables, tensor: GradientTensor, cell: number) {
  const deps = expandDependencies(tables, tensor, cell);
  return key(deps.outputs.map((o, t): [number, number] => [o, deps.partners[t]]));
}

function expectSameTerms(geo: Geometry): void {
  const tables = dependencyTables(geo);
  const terms = allTerms(geo);
  const filterSize = geo.outChannels * geo.inPerGroup * geo.kernelHeight * geo.kernelWidth;
  const inputSize = geo.batch * geo.inChannels * geo.inHeight * geo.inWidth;
  for (let f = 0; f < filterSize; f++) {
    const want = key(terms.filter((t) => t[2] === f).map((t): [number, number] => [t[0], t[1]]));
    expect(expanded(tables, "filter", f), `filter cell ${f}`).toBe(want);
  }
  for (let i = 0; i < inputSize; i++) {
    const want = key(terms.filter((t) => t[1] === i).map((t): [number, number] => [t[0], t[2]]));
    expect(expanded(tables, "input", i), `input cell ${i}`).toBe(want);
  }
  const outPlane = geo.outHeight * geo.outWidth;
  for (let co = 0; co < geo.outChannels; co++) {
    const want: Array<[number, number]> = [];
    for (let n = 0; n < geo.batch; n++)
      for (let o = 0; o < outPlane; o++) want.push([(n * geo.outChannels + co) * outPlane + o, -1]);
    expect(expanded(tables, "bias", co), `bias cell ${co}`).toBe(key(want));
  }
}

function spec(partial: Partial<ConvSpec>): ConvSpec {
  return {
    inputShape: [5, 5],
    filterShape: [3, 3],
    hasBias: false,
    stride: [1, 1],
    dilation: [1, 1],
    padding: 0,
    groups: 1,
    ...partial,
  };
}

describe("dependencies of a gradient cell against a walk over every term", () => {
  const cases: Array<[string, Partial<ConvSpec>]> = [
    ["x=[5,5] f=[3,3] s=1 p=0", {}],
    [
      "x=[7,6] f=[3,2] s=[2,3] p=[1,0,2,1]",
      { inputShape: [7, 6], filterShape: [3, 2], stride: [2, 3], padding: [1, 0, 2, 1] },
    ],
    [
      "x=[9,9] f=[3,3] d=2 p=2 s=2",
      { inputShape: [9, 9], dilation: [2, 2], padding: 2, stride: [2, 2] },
    ],
    [
      "x=[1,3] f=[1,1] s=[1,2] (middle input unread)",
      { inputShape: [1, 3], filterShape: [1, 1], stride: [1, 2] },
    ],
    [
      "x=[2,4,5,5] f=[6,2,3,3] groups=2 p=same s=2",
      {
        inputShape: [2, 4, 5, 5],
        filterShape: [6, 2, 3, 3],
        groups: 2,
        padding: "same",
        stride: [2, 2],
      },
    ],
    [
      "x=[3,6,6] f=[3,1,2,2] depthwise groups=3",
      { inputShape: [3, 6, 6], filterShape: [3, 1, 2, 2], groups: 3, stride: [2, 2] },
    ],
  ];
  for (const [title, partial] of cases) {
    it(title, () => expectSameTerms(computeGeometry(spec(partial))));
  }

  const dir = join(import.meta.dirname, "..", "fixtures", "golden");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    it(`golden ${file}`, () => expectSameTerms(loadFixture(join(dir, file)).geo));
  }
});

describe("the terms of a cell sum to its analytic gradient", () => {
  it("x=[3,8,8] f=[4,3,3,3] p=1 with bias (chw-3x8x8-o4-k3-s1-p1-bias.json)", () => {
    const fixture = loadFixture(
      join(import.meta.dirname, "..", "fixtures", "golden", "chw-3x8x8-o4-k3-s1-p1-bias.json"),
    );
    const { geo } = fixture;
    const input = fixture.input.data;
    const filter = fixture.filter.data;
    const output = forward(geo, input, filter, fixture.bias?.data ?? null);
    const dOutput = output.map((o, i) => o - fixture.target.data[i]);
    const grads = backward(geo, input, filter, dOutput, true);
    const tables = dependencyTables(geo);
    const sum = (tensor: GradientTensor, cell: number, partner: Float64Array | null) => {
      const deps = expandDependencies(tables, tensor, cell);
      return deps.outputs.reduce(
        (acc, o, t) => acc + dOutput[o] * (partner ? partner[deps.partners[t]] : 1),
        0,
      );
    };
    const byTerms = {
      filter: Array.from(filter, (_, f) => sum("filter", f, input)),
      input: Array.from(input, (_, i) => sum("input", i, filter)),
      bias: Array.from(grads.bias!, (_, co) => sum("bias", co, null)),
    };
    const within = (values: ArrayLike<number>) => ({ rtol: 0, atol: 1e-12 * scaleOf(values) });
    expectAllClose(byTerms.filter, grads.filter, within(grads.filter), "dE/dFilter by terms");
    expectAllClose(byTerms.input, grads.input, within(grads.input), "dE/dInput by terms");
    expectAllClose(byTerms.bias, grads.bias!, within(grads.bias!), "dE/dBias by terms");
    // The comparison can fail: one term dropped from every filter cell shows.
    const dropped = byTerms.filter.map((v, f) => {
      const deps = expandDependencies(tables, "filter", f);
      return v - dOutput[deps.outputs[0]] * input[deps.partners[0]];
    });
    expect(() => expectAllClose(dropped, grads.filter, within(grads.filter))).toThrow();
  });
});
