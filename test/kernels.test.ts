import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CellEvaluator,
  numericalGradient,
  type Problem,
  type TensorName,
} from "../src/core/numerical.js";
import { randomProblem } from "./helpers/random-problem.js";
import { assembleKernels, KERNELS_MODULE, kernelsModuleText } from "./support/kernels.js";

const STEP = 1e-2;

function tensorsOf(problem: Problem): TensorName[] {
  return problem.bias ? ["filter", "input", "bias"] : ["filter", "input"];
}

function everyCell(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

describe("the WebAssembly kernels of the numerical check", () => {
  it("kernels-wasm.ts holds kernels.wat as assembled now (npm run kernels)", async () => {
    const text = kernelsModuleText(await assembleKernels());
    expect(readFileSync(KERNELS_MODULE, "utf8")).toBe(text);
  });

  it("run where the check runs", () => {
    expect(new CellEvaluator(randomProblem(1)).webAssembly).toBe(true);
  });

  // The kernels add the same products in the same order as the scalar loops,
  // so every value must be the same number, not merely close.
  for (let seed = 1; seed <= 60; seed++) {
    const problem = randomProblem(seed);
    it(`give the scalar loops' values bit for bit: ${problem.label}`, () => {
      const wasm = new CellEvaluator(problem);
      const scalar = new CellEvaluator(problem, { scalar: true });
      expect(wasm.webAssembly).toBe(true);
      expect(scalar.webAssembly).toBe(false);
      for (const tensor of tensorsOf(problem)) {
        const cells = everyCell((problem[tensor] as Float64Array).length);
        const a = numericalGradient(wasm, tensor, cells, STEP);
        const b = numericalGradient(scalar, tensor, cells, STEP);
        expect(Array.from(a), tensor).toEqual(Array.from(b));
      }
    });
  }

  it("a changed value in the kernels' memory changes their answer", () => {
    const problem = randomProblem(5);
    const wasm = new CellEvaluator(problem);
    const scalar = new CellEvaluator(problem, { scalar: true });
    for (let i = 0; i < wasm.target.length; i++) wasm.target[i] += 1;
    const cells = everyCell(problem.filter.length);
    const a = numericalGradient(wasm, "filter", cells, STEP);
    const b = numericalGradient(scalar, "filter", cells, STEP);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
