import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runImplCheck } from "../src/impl/check.js";
import { WorkerRunner } from "../src/impl/host.js";
import { Implementation } from "../src/impl/implementation.js";
import {
  check,
  codes,
  expectClose,
  fixtureOf,
  golden,
  goldenFiles,
  IMPLS,
  loadImpl,
  local,
} from "./support/impl.js";

describe("correct implementations pass every golden fixture", async () => {
  for (const name of ["correct.js", "default-export.mjs"]) {
    const module = await loadImpl(name);
    describe(`${name} in-process`, () => {
      for (const file of goldenFiles) {
        it(file, async () => {
          const fixture = golden(file);
          const run = await check(fixture, local(name, module));
          expect(run.fault?.message).toBeUndefined();
          expect(codes(run)).toEqual([]);
          const result = run.result!;
          expect(result.pass).toBe(true);
          // The person's values are the ones reported, and they are PyTorch's.
          expectClose(result.impl.forward!.output, fixture.expected.output!.data);
          const stored = {
            filter: fixture.expected.filterGrad,
            input: fixture.expected.inputGrad,
            bias: fixture.expected.biasGrad,
          };
          for (const g of result.gradients) {
            expectClose(g.analytic, stored[g.name]!.data);
            expectClose(g.numerical, stored[g.name]!.data, 1e-7);
          }
          expect(result.gradients.map((g) => g.name)).toEqual(
            fixture.bias ? ["filter", "input", "bias"] : ["filter", "input"],
          );
        });
      }
    });
  }
});

describe("correct implementations through the worker thread", () => {
  const runners: WorkerRunner[] = [];
  afterAll(async () => {
    for (const r of runners) await r.close();
  });
  for (const name of ["correct.ts", "correct.cjs"]) {
    it(`${name} passes all twenty`, async () => {
      const runner = new WorkerRunner(join(IMPLS, name), 20_000, () => {});
      runners.push(runner);
      const impl = new Implementation(runner);
      for (const file of goldenFiles) {
        const result = await runImplCheck(golden(file), impl);
        expect(result.pass, file).toBe(true);
        expect(result.impl.forwardCalls, file).toBeGreaterThan(0);
      }
    });
  }
});

describe("fixtures that cannot show a mistake say which fixture would", () => {
  it("1x1 filter: a flip and a convolution are invisible, and the check still passes", async () => {
    const run = await check(
      golden("k1-5x5-s2.json"),
      local("flipped.js", await loadImpl("flipped.js")),
    );
    expect(run.result!.pass).toBe(true);
    const blind = run.result!.impl.blindSpots.map((b) => `${b.code}:${b.tensor}`);
    expect(blind).toEqual(expect.arrayContaining(["convolution:output", "flipped:filter"]));
    expect(run.result!.impl.blindSpots[0].message).toMatch(/at least 2x2/);
  });

  it("one output cell: dividing by the number of output cells changes nothing", async () => {
    const run = await check(
      golden("full-cover-4x4-k4-p0.json"),
      local("mean.js", await loadImpl("mean.js")),
    );
    expect(run.result!.pass).toBe(true);
    expect(run.result!.impl.blindSpots.map((b) => b.code)).toContain("scale");
  });

  it("symmetric 3x3 filter gradient: a transposed gradient passes, named as a blind spot", async () => {
    // Input symmetric under transposition and a symmetric filter: dE/dF is symmetric.
    const input = Array.from({ length: 5 }, (_, y) =>
      Array.from({ length: 5 }, (_, x) => (x + 1) * (y + 1) + ((x + y) % 3)),
    );
    const fixture = fixtureOf({
      input,
      filter: [
        [1, 2, 0],
        [2, -1, 3],
        [0, 3, 1],
      ],
      target: Array.from({ length: 3 }, () => [0, 0, 0]),
    });
    const run = await check(fixture, local("transposed.js", await loadImpl("transposed.js")));
    expect(run.result!.pass).toBe(true);
    expect(run.result!.impl.blindSpots.map((b) => b.code)).toContain("transposed");
  });
});
