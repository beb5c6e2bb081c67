import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runImplCheck } from "../src/impl/check.js";
import { WorkerRunner } from "../src/impl/host.js";
import { Implementation, ImplFault } from "../src/impl/implementation.js";
import { runCli } from "./helpers/cli.js";
import { golden, IMPLS } from "./support/impl.js";

const FIXTURE = "fixtures/golden/seed-6x6-k3-s2-p1.json";
const runners: WorkerRunner[] = [];

afterAll(async () => {
  for (const r of runners) await r.close();
});

async function faultOf(name: string, timeoutMs = 5000): Promise<ImplFault> {
  const runner = new WorkerRunner(resolve(IMPLS, name), timeoutMs, () => {});
  runners.push(runner);
  try {
    await runImplCheck(golden("seed-6x6-k3-s2-p1.json"), new Implementation(runner));
  } catch (error) {
    if (error instanceof ImplFault) return error;
    throw error;
  }
  throw new Error(`${name} was expected to fail`);
}

describe.concurrent("the person's code failing is a one-line fault, never a crash", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["faults/throws.js", "throws", /^forward\(\) threw TypeError: .*\(throws\.js:3:\d+\)$/],
    ["faults/async-reject.mjs", "throws", /^forward\(\) threw RangeError: kernel does not fit/],
    ["faults/nan.js", "nan", /^forward\(\) returned NaN at output\[0\]\[0\]/],
    [
      "faults/no-return.js",
      "undefined",
      /^backward\(\) returned undefined: is a `return` missing\?$/,
    ],
    [
      "faults/mutates.js",
      "mutates",
      /^backward\(\) changed its argument input \(input\[0\]\[0\] was -1\.2154, now 12345\)/,
    ],
    [
      "faults/string.js",
      "type",
      /^forward\(\) returned a string .* expected nested arrays of shape \[3, 3\]$/,
    ],
    [
      "faults/exits.js",
      "crash",
      /^forward\(\) ended the worker thread running it \(exit code 3\)$/,
    ],
    ["faults/nothing.js", "missing", /^exports neither forward nor backward/],
  ];
  for (const [name, kind, message] of cases) {
    it(`${name}: ${kind}`, async ({ expect }) => {
      const fault = await faultOf(name);
      expect(fault.kind).toBe(kind);
      expect(fault.message).toMatch(message);
      expect(fault.message).not.toContain("\n");
    });
  }

  it("a TypeScript module that does not compile: load, with the line", async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-syntax-"));
    try {
      const file = join(dir, "broken.ts");
      writeFileSync(file, "export const forward = (x: number) => x * ;\n");
      const fault = await faultOf(file);
      expect(fault.kind).toBe("load");
      expect(fault.message).toMatch(/^cannot be loaded: .*broken\.ts:1:\d+: ERROR/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an ES module in a CommonJS package: load, with what to change", async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-cjs-"));
    try {
      writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
      const file = join(dir, "conv.js");
      writeFileSync(file, "export function forward(t) { return t.input; }\n");
      // Through the command: the tests' own worker loads through tsx, which reads any syntax.
      const run = await runCli(["grad", FIXTURE, "--impl", file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot be loaded: .*Unexpected token 'export' \(.*name it \.mjs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("faults/hangs.js: stopped after the time limit", async ({ expect }) => {
    const started = Date.now();
    const fault = await faultOf("faults/hangs.js", 300);
    expect(fault.kind).toBe("timeout");
    expect(fault.message).toMatch(/^forward\(\) did not return within 300 ms and was stopped/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("a fresh worker after a timeout: the next call works", async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-hang-"));
    process.env.CONVCHECK_HANG_MARK = join(dir, "mark");
    try {
      const runner = new WorkerRunner(join(IMPLS, "faults/hangs-once.js"), 300, () => {});
      runners.push(runner);
      const impl = new Implementation(runner);
      const fixture = golden("s1-p0-5x5-k3.json");
      await expect(runImplCheck(fixture, impl)).rejects.toMatchObject({ kind: "timeout" });
      const result = await runImplCheck(fixture, impl);
      expect(result.impl.forward?.comparison.pass).toBe(true);
    } finally {
      delete process.env.CONVCHECK_HANG_MARK;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the person's console output goes to stderr, marked, never into the report", async ({
    expect,
  }) => {
    const lines: string[] = [];
    const runner = new WorkerRunner(join(IMPLS, "chatty.js"), 5000, (t) => lines.push(t));
    runners.push(runner);
    await runImplCheck(golden("s1-p0-5x5-k3.json"), new Implementation(runner));
    await new Promise((r) => setTimeout(r, 50));
    expect(lines[0]).toBe("  | forward called\n");
    expect(lines.at(-1)).toMatch(/further output of the implementation not shown/);
    expect(lines.length).toBe(21);
  });
});

const cli = (...args: string[]) => runCli([...args], { env: { NO_COLOR: "1" } });

describe("convcheck grad --impl (built CLI)", () => {
  it("correct.ts: exit 0, and the forward-call count is announced on stderr first", async () => {
    const run = await cli("grad", FIXTURE, "--impl", "test/impls/correct.ts");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PASS /);
    expect(run.stderr).toMatch(/the numerical check calls your forward 90 times/);
  });

  it("classic strided forward: exit 1, forward-mismatch and matches-reference in --json", async () => {
    const run = await cli("grad", FIXTURE, "--impl", "test/impls/classic.js", "--json");
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout).results[0];
    expect(result.status).toBe("fail");
    expect(result.forward.pass).toBe(false);
    expect(result.forward.output).toHaveLength(3);
    expect(result.forward.reference).toHaveLength(3);
    expect(result.forward.relError).toHaveLength(3);
    expect(result.gradients.filter.pass).toBe(false);
    expect(result.gradients.filter.reference.pass).toBe(true);
    expect(result.gradients.filter.reference.values).toHaveLength(3);
    const found = result.diagnoses.map(
      (d: { code: string; tensor: string }) => `${d.code}:${d.tensor}`,
    );
    expect(found).toEqual(
      expect.arrayContaining(["forward-mismatch:output", "matches-reference:filter"]),
    );
    for (const d of result.diagnoses)
      expect(Object.keys(d).sort()).toEqual(["code", "message", "tensor"]);
  });

  it("a hanging forward: exit 2 for that fixture, the others still checked", async () => {
    const run = await cli(
      "grad",
      FIXTURE,
      "fixtures/golden/s1-p0-5x5-k3.json",
      "--impl",
      "test/impls/faults/hangs.js",
      "--impl-timeout",
      "300",
      "--json",
    );
    expect(run.code).toBe(2);
    const results = JSON.parse(run.stdout).results;
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.error).toMatch(/did not return within 300 ms/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("a wrong output shape names the dilation left out of the size formula", async () => {
    const run = await cli(
      "grad",
      "fixtures/golden/dil2-9x9-k3-s1-p2.json",
      "--impl",
      "test/impls/dilation-size.js",
      "--json",
    );
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout).results[0];
    expect(result.error).toMatch(/returned shape \[11, 11\] for the output, which is \[9, 9\]/);
    expect(result.diagnoses.map((d: { code: string }) => d.code)).toEqual([
      "shape",
      "dilation-ignored",
    ]);
  });

  it("a missing module file: exit 2 with one line", async () => {
    const run = await cli("grad", FIXTURE, "--impl", "test/impls/nope.js");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("convcheck: --impl test/impls/nope.js: no such file\n");
  });
});
