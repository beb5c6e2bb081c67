import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInThread } from "../src/core/check.js";
import type { TensorName } from "../src/core/numerical.js";
import type { parallelRunner } from "../src/parallel/pool.js";
import { root, runCli } from "./helpers/cli.js";
import { scratchDir, writeLayer } from "./helpers/fixture-file.js";
import { randomProblem } from "./helpers/random-problem.js";

// The worker threads load the built worker (dist/parallel/worker.js): npm test builds first.
const builtPool = async () =>
  (await import(join(root, "dist", "parallel", "pool.js"))) as {
    parallelRunner: typeof parallelRunner;
  };

describe("numerical gradients on worker threads", () => {
  for (const seed of [2, 13, 21]) {
    const problem = randomProblem(seed);
    it(`${problem.label}: 1, 2 and 3 workers give the in-thread values bit for bit`, async () => {
      const { parallelRunner: pooled } = await builtPool();
      const tensors: TensorName[] = problem.bias
        ? ["filter", "input", "bias"]
        : ["filter", "input"];
      const runners = [1, 2, 3].map((workers) => pooled({ workers, poolWork: 0 }));
      try {
        for (const tensor of tensors) {
          const count = (problem[tensor] as Float64Array).length;
          // Reversed, so that the order of the answer must follow the order asked.
          const cells = Int32Array.from({ length: count }, (_, i) => count - 1 - i);
          const alone = await runInThread(problem, tensor, cells, 1e-2);
          for (const [i, parallel] of runners.entries()) {
            const values = await parallel.runner(problem, tensor, cells, 1e-2);
            expect(values, `${tensor}, ${i + 1} workers`).toEqual(alone);
          }
        }
        expect(runners[0].pooledTasks).toBe(0);
        expect(runners[1].pooledTasks).toBeGreaterThan(0);
        expect(runners[2].pooledTasks).toBeGreaterThan(0);
      } finally {
        await Promise.all(runners.map((r) => r.close()));
      }
    });
  }
});

describe("grad --workers", () => {
  const dir = scratchDir();
  // Large enough for the pool (above POOL_WORK), small enough for a test.
  const big = writeLayer(dir, "a-x8x24x24-f16x8x3x3-p1.json", {
    input: [8, 24, 24],
    filter: [16, 8, 3, 3],
    padding: 1,
    bias: true,
  });
  writeLayer(dir, "b-x2x9x9-f3x2x3x3.json", { input: [2, 9, 9], filter: [3, 2, 3, 3] }, 2);
  writeLayer(
    dir,
    "c-x3x10x10-f4x3x3x3-s2.json",
    { input: [3, 10, 10], filter: [4, 3, 3, 3], stride: 2 },
    3,
  );

  it("x=[8,24,24] f=[16,8,3,3]: --workers 1 and --workers 2 print the same JSON", async () => {
    const one = await runCli(["grad", big, "--workers", "1", "--json"]);
    const two = await runCli(["grad", big, "--workers", "2", "--json"]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  it("a folder of three: the same report in the same order with 1 and 3 workers", async () => {
    const one = await runCli(["grad", dir, "--workers", "1", "--json"]);
    const three = await runCli(["grad", dir, "--workers", "3", "--json"]);
    expect(three.stdout).toBe(one.stdout);
    const files = JSON.parse(one.stdout).results.map((r: { file: string }) => r.file);
    expect(files).toEqual([...files].sort());
    expect(files).toHaveLength(3);
  });

  it("--workers 0 is misuse", async () => {
    expect((await runCli(["grad", big, "--workers", "0"])).code).toBe(2);
  });

  it("--workers above 256, or --impl-timeout beyond a timer's range, is misuse in one line", async () => {
    const many = await runCli(["grad", big, "--workers", "100000"]);
    expect(many.code).toBe(2);
    expect(many.stderr.trim().split("\n")).toHaveLength(1);
    expect(many.stderr).toMatch(/at most 256 threads/);
    expect((await runCli(["grad", big, "--workers", "256", "--sample", "1"])).code).toBe(0);
    const wait = await runCli([
      "grad",
      big,
      "--impl",
      "examples/my-conv.js",
      "--impl-timeout",
      "99999999999",
    ]);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toMatch(/at most 2147483647 ms/);
  });
});
