import { describe, expect, it } from "vitest";
import { forward } from "../src/core/conv.js";
import { loss } from "../src/core/loss.js";
import {
  CellEvaluator,
  numericalByRerun,
  numericalGradient,
  type Problem,
  type TensorName,
} from "../src/core/numerical.js";
import { expectAllClose } from "./helpers/allclose.js";
import { randomProblem } from "./helpers/random-problem.js";

const STEP = 1e-2;

function everyCell(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

async function fullRerun(problem: Problem, tensor: TensorName): Promise<Float64Array> {
  const data = problem[tensor] as Float64Array;
  const lossAt = () =>
    loss(forward(problem.geo, problem.input, problem.filter, problem.bias), problem.target);
  return numericalByRerun(lossAt, data, everyCell(data.length), STEP);
}

describe("local recompute against a full forward rerun", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const problem = randomProblem(seed);
    it(problem.label, async () => {
      const evaluator = new CellEvaluator(problem);
      const tensors: TensorName[] = problem.bias
        ? ["filter", "input", "bias"]
        : ["filter", "input"];
      for (const tensor of tensors) {
        const count = (problem[tensor] as Float64Array).length;
        const local = numericalGradient(evaluator, tensor, everyCell(count), STEP);
        const rerun = await fullRerun(problem, tensor);
        // The rerun's rounding is about u * E / h; both must agree far below any tolerance.
        const scale =
          1 +
          loss(forward(problem.geo, problem.input, problem.filter, problem.bias), problem.target);
        expectAllClose(local, rerun, { rtol: 1e-9, atol: (1e-11 * scale) / STEP }, tensor);
      }
    });
  }

  it("leaves the evaluator's values as they were", () => {
    const problem = randomProblem(7);
    const evaluator = new CellEvaluator(problem);
    const before = [evaluator.columns.slice(), evaluator.filter.slice()];
    numericalGradient(evaluator, "filter", everyCell(problem.filter.length), STEP);
    numericalGradient(evaluator, "input", everyCell(problem.input.length), STEP);
    expect(evaluator.columns).toEqual(before[0]);
    expect(evaluator.filter).toEqual(before[1]);
  });
});
