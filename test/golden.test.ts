import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { loadFixture } from "../src/fixture/load.js";

const dir = join(import.meta.dirname, "..", "fixtures", "golden");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

/** |a - b| measured against the tensor's largest absolute value (or absolutely below 1). */
function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  }
  return worst;
}

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
      expect(scaledError(result.output, want.output!.data)).toBeLessThan(1e-9);
      expect(Math.abs(result.loss - want.loss!) / Math.max(1, Math.abs(want.loss!))).toBeLessThan(
        1e-9,
      );
      const stored = { filter: want.filterGrad, input: want.inputGrad, bias: want.biasGrad };
      for (const g of result.gradients) {
        const expected = stored[g.name];
        expect(expected, `${g.name} gradient stored`).toBeDefined();
        expect(scaledError(g.analytic, expected!.data)).toBeLessThan(1e-9);
        expect(scaledError(g.numerical, expected!.data)).toBeLessThan(1e-7);
      }
    });
  }
});
