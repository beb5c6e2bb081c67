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

describe("either function may be missing, and results may come flat", () => {
  it("forward only, returning one flat plain array: the output is checked and passes", async () => {
    const { forward } = (await loadImpl("correct.js")) as { forward: (a: unknown) => unknown[] };
    const module = { forward: (args: unknown) => (forward(args) as unknown[]).flat(3) };
    const run = await check(golden("batch2-bias-2x1x6x6-o2-k3-p1.json"), local("flat.js", module));
    expect(run.result!.pass).toBe(true);
    expect(run.result!.impl.forward!.comparison.checked).toBe(2 * 2 * 6 * 6);
    expect(run.result!.gradients).toEqual([]);
  });

  it("backward only, returning the filter gradient alone: checked through convcheck's forward", async () => {
    const { backward } = (await loadImpl("correct.js")) as {
      backward: (a: unknown) => { filter: unknown };
    };
    const module = {
      default: { backward: async (args: unknown) => ({ filter: backward(args).filter }) },
    };
    const run = await check(
      golden("batch2-bias-2x1x6x6-o2-k3-p1.json"),
      local("only-filter.js", module),
    );
    const result = run.result!;
    expect(result.pass).toBe(true);
    expect(result.impl.forward).toBeNull();
    expect(result.impl.forwardCalls).toBe(0);
    expect(result.gradients.map((g) => g.name)).toEqual(["filter"]);
    expect(result.impl.missing).toEqual(["input", "bias"]);
  });

  it("a wrong flat length is a shape error", async () => {
    const run = await check(
      golden("s1-p0-5x5-k3.json"),
      local("short.js", { forward: () => new Float64Array(8) }),
    );
    expect(run.fault?.kind).toBe("shape");
    expect(run.fault?.message).toBe(
      "forward() returned a flat array of 8 values for the output, which is [3, 3]",
    );
  });
});
