import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type NumericalRunner, runCheck, runInThread } from "../src/core/check.js";
import { cellPasses, compare, relativeError } from "../src/core/compare.js";
import { forward } from "../src/core/conv.js";
import { activation, type Head, loss as headLossOf } from "../src/core/head.js";
import { loss } from "../src/core/loss.js";
import {
  CellEvaluator,
  numericalByRerun,
  numericalGradient,
  type Problem,
} from "../src/core/numerical.js";
import { headNumerical } from "../src/core/numerical-head.js";
import { lossAt } from "../src/core/reference.js";
import { DEFAULT_EPS, NONLINEAR_EPS, resolveRule, stepFor } from "../src/core/tolerance.js";
import { parseFixture } from "../src/fixture/load.js";
import { expectAllClose } from "./helpers/allclose.js";
import { layerFixture, randomLayer } from "./helpers/layers.js";

function problemOf(doc: Record<string, unknown>): Problem {
  const fixture = parseFixture(JSON.stringify(doc));
  return {
    geo: fixture.geo,
    input: fixture.input.data,
    filter: fixture.filter.data,
    bias: fixture.bias?.data ?? null,
    target: fixture.target.data,
  };
}

const learner = {
  input: [
    [1, -3, 2, 3, 3],
    [-2, 1, 2, -1, 3],
    [1, 2, -3, -1, -2],
    [-2, 1, -3, -1, 2],
    [-1, -2, -3, -1, 1],
  ],
  filter: [
    [2, -1, -2],
    [1, 3, 2],
    [-2, 2, 1],
  ],
  target: [
    [2, 3, -2],
    [2, -2, -1],
    [-1, -2, -2],
  ],
  stride: 2,
  padding: 1,
};

/** max(E, 1/2 sum O^2, 1/2 sum T^2): the size of the terms a difference of losses cancels. */
function termScale(output: Float64Array, target: Float64Array): number {
  let squares = 0;
  let targetSquares = 0;
  let residual = 0;
  for (let i = 0; i < output.length; i++) {
    squares += output[i] * output[i];
    targetSquares += target[i] * target[i];
    residual += (output[i] - target[i]) ** 2;
  }
  return 0.5 * Math.max(residual, squares, targetSquares);
}

function tensorsOf(problem: Problem) {
  const tensors = [
    ["filter", problem.filter],
    ["input", problem.input],
  ] as Array<["filter" | "input" | "bias", Float64Array]>;
  if (problem.bias) tensors.push(["bias", problem.bias]);
  return tensors;
}

describe("local recompute against a full rerun of forward and loss", () => {
  it("agree to rounding for filter, input and bias on random geometries", async () => {
    await fc.assert(
      fc.asyncProperty(randomLayer, async (r) => {
        const problem = problemOf(layerFixture(r).doc);
        const output = forward(problem.geo, problem.input, problem.filter, problem.bias);
        const scale = termScale(output, problem.target);
        for (const [name, data] of tensorsOf(problem)) {
          const step = stepFor(DEFAULT_EPS, data);
          const all = Array.from(data.keys());
          const local = numericalGradient(new CellEvaluator(problem), name, all, step);
          const rerun = await numericalByRerun(
            () =>
              loss(
                forward(problem.geo, problem.input, problem.filter, problem.bias),
                problem.target,
              ),
            data,
            all,
            step,
          );
          // The rerun's difference of two whole losses carries rounding of
          // about u * scale / step; the local recompute carries less.
          const atol = (64 * Number.EPSILON * Math.max(1, scale)) / step;
          expectAllClose(local, rerun, { rtol: 1e-9, atol }, `${name} local vs rerun`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("agree to rounding after a smooth activation and a mean loss", async () => {
    const heads = fc.record({
      activation: fc.constantFrom("none", "tanh", "sigmoid") as fc.Arbitrary<
        "none" | "tanh" | "sigmoid"
      >,
      loss: fc.constantFrom("mse", "mse_mean") as fc.Arbitrary<"mse" | "mse_mean">,
    });
    await fc.assert(
      fc.asyncProperty(randomLayer, heads, async (r, names) => {
        const problem = problemOf(layerFixture(r).doc);
        const head: Head = {
          activation: activation(names.activation),
          loss: headLossOf(names.loss),
        };
        const output = forward(problem.geo, problem.input, problem.filter, problem.bias);
        const scale = termScale(output, problem.target);
        for (const [name, data] of tensorsOf(problem)) {
          const step = stepFor(NONLINEAR_EPS, data);
          const all = Array.from(data.keys());
          const local = headNumerical(new CellEvaluator(problem), head, name, all, step).values;
          const rerun = await numericalByRerun(
            () => lossAt(problem, head, "float64"),
            data,
            all,
            step,
          );
          const atol = (64 * Number.EPSILON * Math.max(1, scale)) / step;
          expectAllClose(
            local,
            rerun,
            { rtol: 1e-7, atol },
            `${name} ${names.activation}/${names.loss}`,
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it("numericalByRerun leaves the tensor as it found it", async () => {
    const problem = problemOf(learner);
    const before = problem.filter.slice();
    await numericalByRerun(
      () => loss(forward(problem.geo, problem.input, problem.filter, null), problem.target),
      problem.filter,
      Array.from(problem.filter.keys()),
      0.01,
    );
    expect(Array.from(problem.filter)).toEqual(Array.from(before));
  });
});

describe("the pass rule", () => {
  const rule = { rtol: 1e-6, atol: 1e-9 };

  it("relative error is 0, never NaN, when both sides are 0", () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(compare([0, 0], [0, 0], rule).relError).toEqual(Float64Array.of(0, 0));
  });

  it("passes noise near zero within atol although its relative error is 1", () => {
    expect(relativeError(0, 1e-15)).toBe(1);
    expect(cellPasses(0, 1e-15, rule)).toBe(true);
    expect(compare([0, 5], [1e-15, 5], rule).pass).toBe(true);
  });

  it("fails a gradient with one cell off by a relative 1e-4 and names that cell", () => {
    const right = [3, -1.5, 2, 8];
    const wrong = [3, -1.5, 2 * (1 + 1e-4), 8];
    const result = compare(wrong, right, rule);
    expect(result.pass).toBe(false);
    expect(result.failing).toEqual([2]);
    expect(result.worst).toBe(2);
  });

  it("fails every cell of a gradient off by a constant factor", () => {
    const right = [-1, -8, -8, 8];
    const result = compare(
      right.map((v) => v / 4),
      right,
      rule,
    );
    expect(result.failing).toEqual([0, 1, 2, 3]);
  });

  it("fails a NaN analytic value", () => {
    expect(compare([Number.NaN, 1], [1, 1], rule).pass).toBe(false);
  });

  it("checks only the cells asked for", () => {
    const result = compare([1, 99], [1, 0], rule, [0]);
    expect(result.pass).toBe(true);
    expect(result.checked).toBe(1);
    expect(Number.isNaN(result.relError[1])).toBe(true);
  });
});

describe("runCheck can fail", () => {
  it("x=[5,5] f=[3,3] s=2 p=1: a numerical gradient scaled by 1 + 1e-4 fails the check", async () => {
    const fixture = parseFixture(JSON.stringify(learner));
    const skewed: NumericalRunner = async (problem, tensor, elements, step) => {
      const values = await runInThread(problem, tensor, elements, step);
      return tensor === "input" ? values.map((v) => v * (1 + 1e-4)) : values;
    };
    const result = await runCheck(fixture, { numerical: skewed });
    expect(result.pass).toBe(false);
    const byName = Object.fromEntries(result.gradients.map((g) => [g.name, g.comparison.pass]));
    expect(byName).toEqual({ filter: true, input: false });
  });

  it("x=[5,5] f=[3,3] s=2 p=1: the same fixture passes with the real numerical gradient", async () => {
    const result = await runCheck(parseFixture(JSON.stringify(learner)));
    expect(result.pass).toBe(true);
  });

  it("x=[5,5] f=[3,3] s=2 p=1: a wrong expected filterGrad fails the fixture", async () => {
    const fixture = parseFixture(
      JSON.stringify({
        ...learner,
        expected: {
          filterGrad: [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 1],
          ],
        },
      }),
    );
    const result = await runCheck(fixture);
    expect(result.gradients.every((g) => g.comparison.pass)).toBe(true);
    expect(result.pass).toBe(false);
    expect(result.expected.map((e) => [e.name, e.comparison.pass])).toEqual([
      ["filterGrad (analytic)", false],
      ["filterGrad (numerical)", false],
    ]);
  });
});

describe("tolerance precedence", () => {
  it("command line over fixture over defaults, key by key", () => {
    const rule = resolveRule({ cli: { rtol: 0.1 }, fixture: { rtol: 0.2, atol: 0.3 } }, 1000);
    expect(rule).toEqual({ rtol: 0.1, atol: 0.3, eps: DEFAULT_EPS });
  });

  it("scales the default atol with the loss", () => {
    const small = resolveRule({}, 1);
    const large = resolveRule({}, 1e6);
    expectAllClose([large.atol / small.atol], [1e6], { rtol: 1e-12, atol: 0 }, "atol ratio");
  });
});

describe("units", () => {
  const scale = fc.integer({ min: -14, max: 14 }).map((k) => 10 ** k);

  it("a right gradient passes whatever the units of input, filter, bias and target", async () => {
    await fc.assert(
      fc.asyncProperty(
        randomLayer,
        scale,
        scale,
        scale,
        async (r, inputUnit, filterUnit, biasUnit) => {
          const f = layerFixture(r);
          const times =
            (unit: number) =>
            (v: unknown): unknown =>
              Array.isArray(v) ? v.map(times(unit)) : (v as number) * unit;
          const outputUnit = inputUnit * filterUnit;
          const doc = {
            ...f.doc,
            input: times(inputUnit)(f.doc.input),
            filter: times(filterUnit)(f.doc.filter),
            target: times(outputUnit)(f.doc.target),
          } as Record<string, unknown>;
          if (f.doc.bias) doc.bias = times(biasUnit)(f.doc.bias);
          const result = await runCheck(parseFixture(JSON.stringify(doc)));
          const failing = result.gradients.filter((g) => !g.comparison.pass).map((g) => g.name);
          expect(failing).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
