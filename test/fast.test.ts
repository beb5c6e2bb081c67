import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { compare } from "../src/core/compare.js";
import { backward } from "../src/core/conv.js";
import { directionalChecks } from "../src/core/directional.js";
import { PLAIN_HEAD } from "../src/core/head.js";
import { lossGradient } from "../src/core/loss.js";
import { CellEvaluator, numericalGradient, type TensorName } from "../src/core/numerical.js";
import { reference } from "../src/core/reference.js";
import { loadFixture } from "../src/fixture/load.js";
import { runCli } from "./helpers/cli.js";
import { scratchDir, writeLayer } from "./helpers/fixture-file.js";
import { randomProblem } from "./helpers/random-problem.js";

const RULE = { rtol: 1e-6, atol: 1e-9 };
const SETTING = { head: PLAIN_HEAD, precision: "float64" as const, rule: RULE };
const STEP = 1e-2;

function analyticOf(problem: ReturnType<typeof randomProblem>) {
  const { output, analytic } = reference(problem, PLAIN_HEAD, "float64");
  expect(output.length).toBe(problem.target.length);
  return analytic;
}

describe("directional checks", () => {
  for (const seed of [3, 11, 19, 27]) {
    const problem = randomProblem(seed);
    it(`${problem.label}: a right gradient agrees along every direction`, async () => {
      const analytic = analyticOf(problem);
      const tensors: TensorName[] = problem.bias
        ? ["filter", "input", "bias"]
        : ["filter", "input"];
      for (const tensor of tensors) {
        const grad = analytic[tensor] as Float64Array;
        const checks = await directionalChecks(problem, SETTING, tensor, grad, STEP, {
          directions: 3,
          seed,
        });
        expect(checks).toHaveLength(3);
        for (const d of checks) expect(d.pass, `${tensor}: ${JSON.stringify(d)}`).toBe(true);
      }
    });

    it(`${problem.label}: one wrong input cell fails a direction and the per-cell check names it`, async () => {
      const grad = (analyticOf(problem).input as Float64Array).slice();
      const wrong = Math.floor(grad.length / 2);
      grad[wrong] += 0.5 + Math.abs(grad[wrong]);
      const checks = await directionalChecks(problem, SETTING, "input", grad, STEP, {
        directions: 3,
        seed,
      });
      expect(checks.some((d) => !d.pass)).toBe(true);
      const cells = Int32Array.from(grad.keys());
      const numerical = numericalGradient(new CellEvaluator(problem), "input", cells, STEP);
      expect(compare(grad, numerical, RULE).failing).toEqual([wrong]);
    });
  }

  it("the same seed gives the same directions, another seed others", async () => {
    const problem = randomProblem(5);
    const grad = analyticOf(problem).filter;
    const run = (seed: number) =>
      directionalChecks(problem, SETTING, "filter", grad, STEP, { directions: 2, seed });
    expect(await run(1)).toEqual(await run(1));
    expect((await run(1))[0].analytic).not.toBe((await run(2))[0].analytic);
  });

  it("a gradient off by a constant factor fails every direction", async () => {
    const problem = randomProblem(8);
    const dOut = lossGradient(reference(problem, PLAIN_HEAD, "float64").output, problem.target).map(
      (v) => v * 0.25,
    );
    const quarter = backward(problem.geo, problem.input, problem.filter, dOut, false);
    const checks = await directionalChecks(problem, SETTING, "filter", quarter.filter, STEP, {
      directions: 3,
      seed: 4,
    });
    expect(checks.every((d) => !d.pass)).toBe(true);
  });
});

describe("grad --fast", () => {
  const dir = scratchDir();
  const file = writeLayer(dir, "x-2x4x16x16-f6x4x3x3-s2-p1.json", {
    input: [2, 4, 16, 16],
    filter: [6, 4, 3, 3],
    stride: 2,
    padding: 1,
    bias: true,
  });

  it("x=[2,4,16,16] f=[6,4,3,3] s=2 p=1: a right layer passes with no cell checked", async () => {
    const result = await runCheck(loadFixture(file), { fast: { directions: 3, seed: 1 } });
    expect(result.pass).toBe(true);
    for (const g of result.gradients) {
      expect(g.directions).toHaveLength(3);
      expect(g.comparison.checked).toBe(0);
      expect(g.numerical.every(Number.isNaN)).toBe(true);
    }
  });

  it("x=[2,4,16,16] --fast --json: directions and the seed are reported, cells are null", async () => {
    const run = await runCli(["grad", file, "--fast", "--seed", "42", "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout).results[0];
    expect(result.fast).toEqual({ directions: 3, seed: 42 });
    const filter = result.gradients.filter;
    expect(filter.directions).toHaveLength(3);
    expect((filter.numerical as unknown[]).flat(3).every((v) => v === null)).toBe(true);
    const text = await runCli(["grad", file, "--fast", "--seed", "42"]);
    expect(text.stdout).toContain("seed 42");
    expect(text.stdout).toContain("3 directions agree");
  });

  it("--impl with --fast or --sample: the seed is reported, and every call of your forward counted", async () => {
    const fixture = "fixtures/golden/seed-6x6-k3-s2-p1.json";
    const impl = "test/impls/correct.js";
    const fast = await runCli(["grad", fixture, "--impl", impl, "--fast", "--seed", "7", "--json"]);
    expect(fast.code).toBe(0);
    const result = JSON.parse(fast.stdout).results[0];
    expect(result.fast).toEqual({ directions: 3, seed: 7 });
    // No cell checked: two calls per direction, three directions, filter and input.
    expect(result.implementation.forwardCalls).toBe(12);
    const sample = await runCli(["grad", fixture, "--impl", impl, "--sample", "3", "--seed", "7"]);
    expect(sample.stdout).toMatch(/seed 7/);
  });
});
