import { describe, expect, it } from "vitest";
import { activation, type Head, loss } from "../src/core/head.js";
import type { Problem, TensorName } from "../src/core/numerical.js";
import { float32Numerical } from "../src/core/precision.js";
import { lossAt } from "../src/core/reference.js";
import { randomProblem } from "./helpers/random-problem.js";

const STEP = 1e-2;

/** The plain definition in float32: perturb, rerun the whole forward pass and loss. */
function byFullRerun(problem: Problem, head: Head, tensor: TensorName): Float64Array {
  const copy = { ...problem, [tensor]: (problem[tensor] as Float64Array).slice() };
  const data = copy[tensor] as Float64Array;
  return data.map((x, e) => {
    const plus = Math.fround(x + STEP);
    const minus = Math.fround(x - STEP);
    data[e] = plus;
    const up = lossAt(copy, head, "float32");
    data[e] = minus;
    const down = lossAt(copy, head, "float32");
    data[e] = x;
    return (up - down) / (plus - minus);
  });
}

const heads: Array<[string, Head]> = [
  ["mse", { activation: activation("none"), loss: loss("mse") }],
  ["relu + mse_mean", { activation: activation("relu"), loss: loss("mse_mean") }],
  ["tanh + l1_mean", { activation: activation("tanh"), loss: loss("l1_mean") }],
];

describe("float32 numerical gradients recompute only the reached cells", () => {
  for (let seed = 1; seed <= 24; seed++) {
    const problem = randomProblem(seed);
    const [name, head] = heads[seed % heads.length];
    it(`equal a full float32 rerun bit for bit: ${name}, ${problem.label}`, () => {
      const tensors: TensorName[] = problem.bias
        ? ["filter", "input", "bias"]
        : ["filter", "input"];
      for (const tensor of tensors) {
        const count = (problem[tensor] as Float64Array).length;
        const cells = Int32Array.from({ length: count }, (_, i) => i);
        const local = float32Numerical(problem, head, tensor, cells, STEP);
        expect(Array.from(local), tensor).toEqual(Array.from(byFullRerun(problem, head, tensor)));
      }
    });
  }

  it("a gradient off in one cell is told apart", () => {
    const problem = randomProblem(3);
    const head = heads[0][1];
    const cells = Int32Array.from({ length: problem.filter.length }, (_, i) => i);
    const local = float32Numerical(problem, head, "filter", cells, STEP);
    local[0] += 1e-7;
    expect(Array.from(local)).not.toEqual(Array.from(byFullRerun(problem, head, "filter")));
  });
});
