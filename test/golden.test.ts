import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { loadFixture } from "../src/fixture/load.js";
import { expectAllClose, scaleOf } from "./helpers/allclose.js";

const dir = join(import.meta.dirname, "..", "fixtures", "golden");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

/**
 * The yardstick: |a - b| against the tensor's largest absolute value,
 * or absolutely when that is below 1.
 */
const within = (bound: number, expected: ArrayLike<number>) => ({
  rtol: 0,
  atol: bound * scaleOf(expected),
});

describe("golden fixtures computed by PyTorch", () => {
  it("has all twenty", () => {
    expect(files).toHaveLength(20);
  });

  for (const file of files) {
    it(`${file}: analytic within 1e-9 and numerical within 1e-7 of PyTorch`, async () => {
      const fixture = loadFixture(join(dir, file));
      const result = await runCheck(fixture);
      const want = fixture.expected;
      expect(result.pass).toBe(true);
      const output = want.output!.data;
      expectAllClose(result.output, output, within(1e-9, output), "output");
      expectAllClose([result.loss], [want.loss!], within(1e-9, [want.loss!]), "loss");
      const stored = { filter: want.filterGrad, input: want.inputGrad, bias: want.biasGrad };
      for (const g of result.gradients) {
        const expected = stored[g.name];
        expect(expected, `${g.name} gradient stored`).toBeDefined();
        const values = expected!.data;
        expectAllClose(g.analytic, values, within(1e-9, values), `${g.name} analytic`);
        expectAllClose(g.numerical, values, within(1e-7, values), `${g.name} numerical`);
      }
    });
  }
});
