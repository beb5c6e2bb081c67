import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBaseline } from "../src/cli/baseline.js";
import { goldenDir, root, tempDir } from "./cli-support.js";
import { runCli } from "./helpers/cli.js";

const regressing = join(goldenDir, "chw1-2d-filter-1x5x5-k3-s2.json");

describe("grad --baseline against an earlier --json report of fixtures/golden", () => {
  const [dir, cleanup] = tempDir();
  const base = join(dir, "base.json");
  afterAll(cleanup);
  beforeAll(async () => {
    const run = await runCli(["grad", goldenDir, "--json"]);
    expect(run.code).toBe(0);
    writeFileSync(base, run.stdout);
  });

  it("the same run against its own report passes", async () => {
    const run = await runCli(["grad", goldenDir, "--baseline", base]);
    expect(run.code).toBe(0);
  });

  it("eps 1e-6 passes the rule but fails the baseline where errors grew past atol", async () => {
    // A step 1e4 times smaller lets rounding grow the numerical error about
    // 1e4-fold: still inside rtol, but past the one fixture's fixed atol 1e-9.
    const run = await runCli(["grad", goldenDir, "--eps", "1e-6", "--baseline", base, "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const failed = report.results.filter((r: { status: string }) => r.status === "fail");
    expect(failed.map((r: { file: string }) => r.file)).toEqual([regressing]);
    // Every tensor still passes the rule: the baseline alone fails it.
    for (const g of Object.values(failed[0].gradients) as Array<{ pass: boolean }>) {
      expect(g.pass).toBe(true);
    }
    for (const r of failed[0].regressions) {
      expect(r.now).toBeGreaterThan(10 * r.before);
      expect(r.absError).toBeGreaterThan(r.atol);
    }
    const text = await runCli(["grad", goldenDir, "--eps", "1e-6", "--baseline", base]);
    expect(text.stdout.split("\n")[0]).toBe("FAIL  19 of 20 fixtures passed, 1 failed");
    expect(text.stdout).toMatch(
      /FAIL {2}\S+chw1-2d-filter-1x5x5-k3-s2\.json .*regressed against the baseline\n {2}regressed dE\/dFilter worst rel error \S+, baseline \S+ \(x\S+, limit x10\); \|a - n\| \S+ exceeds atol 1\.0e-9/,
    );
  });

  it("a fixture the baseline does not know is checked, noted on stderr and not compared", async () => {
    const learner = join(root, "fixtures", "learner-5x5-k3-s2-p1.json");
    const run = await runCli(["grad", regressing, learner, "--baseline", base]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `convcheck: note: ${learner} is not in --baseline ${base}, so not compared\n`,
    );
  });

  it("a larger --baseline-factor tolerates the same growth", async () => {
    const args = ["grad", goldenDir, "--eps", "1e-6", "--baseline", base];
    expect((await runCli([...args, "--baseline-factor", "1e9"])).code).toBe(0);
  });

  it("a baseline of exactly 0 does not turn rounding into failures", async () => {
    const report = JSON.parse(readFileSync(base, "utf8"));
    for (const r of report.results) {
      for (const g of Object.values(r.gradients) as Array<{ maxRelError: number }>) {
        g.maxRelError = 0;
      }
    }
    const zero = join(dir, "zero.json");
    writeFileSync(zero, JSON.stringify(report));
    expect((await runCli(["grad", goldenDir, "--baseline", zero])).code).toBe(0);
    // With no absolute tolerance at all, the same growth from 0 is a regression.
    const strict = await runCli(["grad", goldenDir, "--baseline", zero, "--atol", "0"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/from 0, limit x10/);
  });

  it.each([
    [["--baseline", "/no/such/report.json"], /--baseline \/no\/such\/report\.json: no such file/],
    [["--baseline", regressing], /results: missing; expected the output of convcheck grad --json/],
    [["--baseline-factor", "5"], /--baseline-factor needs --baseline/],
  ])("%j exits 2 before checking anything", async (args, message) => {
    const run = await runCli(["grad", goldenDir, ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });
});

describe("parseBaseline", () => {
  it("throws InputError naming the JSON path of a bad value", () => {
    const text = JSON.stringify({
      results: [{ file: "a.json", gradients: { input: { maxRelError: "x" } } }],
    });
    expect(() => parseBaseline(text)).toThrow(/found "x"; expected a non-negative number/);
    expect(() => parseBaseline("[1")).toThrow(/not valid JSON/);
    expect(() => parseBaseline(JSON.stringify({ results: [{}] }))).toThrow(/expected a string/);
  });
  it("skips fixtures that erred and tensors with no value", () => {
    const text = JSON.stringify({
      results: [
        { file: "a.json", status: "error", error: "x" },
        {
          file: "b.json",
          name: "b",
          gradients: { filter: { maxRelError: null }, input: { maxRelError: 1e-12 } },
        },
      ],
    });
    const baseline = parseBaseline(text);
    expect([...baseline.byFile.keys()]).toEqual(["b.json"]);
    expect(baseline.byFile.get("b.json")).toEqual({ input: 1e-12 });
    expect(baseline.byName.get("b")).toEqual({ input: 1e-12 });
  });
});
