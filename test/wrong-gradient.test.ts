import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compare } from "../src/core/compare.js";
import { directionalChecks } from "../src/core/directional.js";
import { PLAIN_HEAD } from "../src/core/head.js";
import { CellEvaluator, numericalGradient, type TensorName } from "../src/core/numerical.js";
import { reference } from "../src/core/reference.js";
import { sampleCells } from "../src/core/sample.js";
import type { parallelRunner } from "../src/parallel/pool.js";
import { root, runCli } from "./helpers/cli.js";
import { randomProblem } from "./helpers/random-problem.js";

const RULE = { rtol: 1e-6, atol: 1e-9 };
const STEP = 1e-2;

/**
 * A known-wrong gradient: convcheck's own, with the last cell (a corner,
 * which every mode looks at) off by a tenth.
 */
function wrongGradient(seed: number, tensor: TensorName) {
  const problem = randomProblem(seed);
  const right = reference(problem, PLAIN_HEAD, "float64").analytic[tensor] as Float64Array;
  const wrong = right.slice();
  const cell = wrong.length - 1;
  wrong[cell] += 0.1 * (1 + Math.abs(wrong[cell]));
  return { problem, right, wrong, cell };
}

const every = (count: number) => Int32Array.from({ length: count }, (_, i) => i);

describe("a known-wrong gradient fails in every mode", () => {
  for (const seed of [4, 9]) {
    for (const tensor of ["filter", "input"] as const) {
      const { problem, right, wrong, cell } = wrongGradient(seed, tensor);
      const label = `${problem.label} ${tensor}`;

      it(`${label}: full per-cell check`, () => {
        const cells = every(wrong.length);
        const numerical = numericalGradient(new CellEvaluator(problem), tensor, cells, STEP);
        expect(compare(right, numerical, RULE).pass).toBe(true);
        expect(compare(wrong, numerical, RULE).failing).toEqual([cell]);
      });

      it(`${label}: --sample 3`, () => {
        const shape = tensor === "filter" ? problem.geo.filterShape : problem.geo.inputShape;
        const cells = sampleCells(tensor, shape, problem.geo, 3, 77) ?? every(wrong.length);
        const values = numericalGradient(new CellEvaluator(problem), tensor, cells, STEP);
        const numerical = new Float64Array(wrong.length).fill(Number.NaN);
        cells.forEach((c, i) => {
          numerical[c] = values[i];
        });
        expect(compare(right, numerical, RULE, cells).pass).toBe(true);
        expect(compare(wrong, numerical, RULE, cells).failing).toEqual([cell]);
      });

      it(`${label}: --fast`, async () => {
        const setting = { head: PLAIN_HEAD, precision: "float64" as const, rule: RULE };
        const check = (g: Float64Array) =>
          directionalChecks(problem, setting, tensor, g, STEP, { directions: 3, seed: 5 });
        expect((await check(right)).every((d) => d.pass)).toBe(true);
        expect((await check(wrong)).some((d) => !d.pass)).toBe(true);
      });

      it(`${label}: on two worker threads`, async () => {
        const { parallelRunner: pooled } = (await import(
          join(root, "dist", "parallel", "pool.js")
        )) as { parallelRunner: typeof parallelRunner };
        const parallel = pooled({ workers: 2, poolWork: 0 });
        try {
          const numerical = await parallel.runner(problem, tensor, every(wrong.length), STEP);
          expect(parallel.pooledTasks).toBeGreaterThan(0);
          expect(compare(right, numerical, RULE).pass).toBe(true);
          expect(compare(wrong, numerical, RULE).failing).toEqual([cell]);
        } finally {
          await parallel.close();
        }
      });
    }
  }
});

describe("grad --impl with one wrong filter cell fails in every mode", () => {
  const fixture = "fixtures/golden/chw-3x8x8-o4-k3-s1-p1-bias.json";
  const impl = "test/impls/last-cell-off.js";
  const modes = [
    [],
    ["--sample", "3"],
    ["--fast"],
    ["--fast", "--sample", "5"],
    ["--workers", "2"],
  ];
  for (const mode of modes) {
    it(`x=[3,8,8] f=[4,3,3,3] ${mode.join(" ") || "full"}: exit 1, the cell named`, async () => {
      const run = await runCli(["grad", fixture, "--impl", impl, "--seed", "3", ...mode, "--json"]);
      expect(run.code, run.stderr).toBe(1);
      const filter = JSON.parse(run.stdout).results[0].gradients.filter;
      expect(filter.failing).toEqual([[3, 2, 2, 2]]);
      expect(filter.pass).toBe(false);
    });
  }
});
