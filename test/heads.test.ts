import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { parseFixture } from "../src/fixture/load.js";
import { expectAllClose, scaleOf } from "./helpers/allclose.js";
import { layerFixture, randomLayer } from "./helpers/layers.js";
import { naiveBackward, naiveForward } from "./helpers/naive.js";

/** Textbook activations and losses, written apart from src/core/head.ts. */
const activations = {
  relu: { f: (z: number) => Math.max(z, 0), d: (z: number) => (z > 0 ? 1 : 0) },
  leaky_relu: { f: (z: number) => (z > 0 ? z : 0.01 * z), d: (z: number) => (z > 0 ? 1 : 0.01) },
  tanh: { f: Math.tanh, d: (z: number) => 1 / Math.cosh(z) ** 2 },
  sigmoid: {
    f: (z: number) => 1 / (1 + Math.exp(-z)),
    d: (z: number) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2,
  },
} as const;

const losses = {
  mse: { d: (y: number, t: number, _n: number) => y - t },
  mse_mean: { d: (y: number, t: number, n: number) => (2 * (y - t)) / n },
  l1_mean: { d: (y: number, t: number, n: number) => Math.sign(y - t) / n },
} as const;

type ActivationKey = keyof typeof activations;
type LossKey = keyof typeof losses;

describe("an activation and a loss after the correlation, on random geometries", () => {
  it("analytic gradients equal the naive chain rule, and a right gradient passes", async () => {
    const heads = fc.record({
      activation: fc.constantFrom(...(Object.keys(activations) as ActivationKey[])),
      loss: fc.constantFrom(...(Object.keys(losses) as LossKey[])),
    });
    await fc.assert(
      fc.asyncProperty(randomLayer, heads, async (r, head) => {
        const f = layerFixture(r);
        const doc = { ...f.doc, activation: head.activation, lossFunction: head.loss };
        const result = await runCheck(parseFixture(JSON.stringify(doc)));

        const act = activations[head.activation];
        const pre = naiveForward(r.layer, f.input, f.filter, f.bias);
        const n = pre.length;
        const dPre = pre.map((z, i) => losses[head.loss].d(act.f(z), f.target[i], n) * act.d(z));
        const want = naiveBackward(r.layer, f.input, f.filter, dPre, f.bias !== null);
        const reference = { filter: want.dFilter, input: want.dInput, bias: want.dBias ?? [] };
        for (const g of result.gradients) {
          const expected = reference[g.name];
          const tight = { rtol: 1e-12, atol: 1e-12 * scaleOf(expected) };
          expectAllClose(g.analytic, expected, tight, `${g.name} analytic`);
        }
        const failing = result.gradients.filter((g) => !g.comparison.pass).map((g) => g.name);
        expect(failing).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
