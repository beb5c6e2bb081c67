import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colorFor } from "../src/cli/output.js";
import { runCheck } from "../src/core/check.js";
import { DEFAULT_EPS, DEFAULT_RTOL } from "../src/core/tolerance.js";
import { parseFixture } from "../src/fixture/load.js";
import { root, runCli } from "./helpers/cli.js";

const learner = {
  input: [
    [1, -3, 2, 3, 3],
    [-2, 1, 2, -1, 3],
    [1, 2, -3, -1, -2],
    [-2, 1, -3, -1, 2],
    [-1, -2, -3, -1, 1],
  ],
  filter: [
    [2, -1, -2],
    [1, 3, 2],
    [-2, 2, 1],
  ],
  target: [
    [2, 3, -2],
    [2, -2, -1],
    [-1, -2, -2],
  ],
  stride: 2,
  padding: 1,
};

let dir: string;
const at = (...parts: string[]) => join(dir, ...parts);
const put = (file: string, doc: unknown) => {
  writeFileSync(at(file), typeof doc === "string" ? doc : JSON.stringify(doc));
  return at(file);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "convcheck-cli-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("exit codes", () => {
  it("0 when every fixture passes: every shipped fixture, golden ones included, in plain text", async () => {
    const run = await runCli(["grad", "fixtures"], { env: { NO_COLOR: undefined } });
    expect(run.code).toBe(0);
    const [, count] =
      /^PASS {2}(\d+) of \1 fixtures passed$/m.exec(run.stdout.split("\n")[0]) ?? [];
    expect(Number(count)).toBeGreaterThanOrEqual(39);
    expect(run.stdout).toContain("fixtures/golden/seed-6x6-k3-s2-p1.json");
    expect(run.stderr).toBe("");
    // A pipe is not a terminal: no colour even without NO_COLOR.
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it("1 when an expected value is wrong and nothing errs", async () => {
    const file = put("wrong-expected.json", { ...learner, expected: { loss: 1 } });
    const run = await runCli(["grad", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL /);
    expect(run.stdout).toContain("expected loss");
  });

  it("2 when one fixture fails and another errs", async () => {
    const failing = put("fails.json", { ...learner, expected: { loss: 1 } });
    const broken = put("broken.json", "{");
    const run = await runCli(["grad", failing, broken]);
    expect(run.code).toBe(2);
  });

  it("2 for an unknown option, without a stack trace", async () => {
    const run = await runCli(["grad", "--bogus", "fixtures/golden"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("2 for a path that does not exist, and for a folder without fixtures", async () => {
    mkdirSync(at("empty-folder"));
    const [missing, empty] = await Promise.all([
      runCli(["grad", at("no-such-fixture.json")]),
      runCli(["grad", at("empty-folder")]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no-such-fixture.json: no such file");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no fixtures");
  });

  it("2 for grad without a path, and for a bad option value", async () => {
    const [bare, badValue] = await Promise.all([
      runCli(["grad"]),
      runCli(["grad", "--rtol", "-1", "fixtures/golden"]),
    ]);
    expect(bare.code).toBe(2);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('got "-1"');
  });
});

describe("--json", () => {
  it("keeps the documented field names, with gradients in each tensor's shape", async () => {
    const file = put("bias.json", {
      input: [
        [
          [1, 2, 0],
          [0, -1, 3],
          [2, 1, 1],
        ],
      ],
      filter: [
        [
          [
            [1, -1],
            [2, 0],
          ],
        ],
        [
          [
            [0, 1],
            [-1, 2],
          ],
        ],
      ],
      bias: [0.5, -0.25],
      target: [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [1, 0],
        ],
      ],
    });
    const bad = put("not-an-object.json", "[]");
    const run = await runCli(["grad", "--json", file, bad]);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(["results", "summary"]);
    expect(report.summary).toEqual({ total: 2, passed: 1, failed: 0, errors: 1 });
    const [ok, error] = report.results;
    expect(ok).toMatchObject({ file, status: "pass", outputShape: [2, 2, 2] });
    expect(ok.loss).toEqual(expect.any(Number));
    expect(ok.output).toHaveLength(2);
    expect(ok.rule).toEqual({
      rtol: expect.any(Number),
      atol: expect.any(Number),
      eps: expect.any(Number),
    });
    expect(Object.keys(ok.gradients)).toEqual(["filter", "input", "bias"]);
    const shapes = { filter: [2, 1, 2, 2], input: [1, 3, 3], bias: [2] };
    for (const [name, shape] of Object.entries(shapes)) {
      const g = ok.gradients[name];
      for (const key of ["analytic", "numerical", "relError"]) {
        let level = g[key];
        for (const extent of shape) {
          expect(level, `${name}.${key}`).toHaveLength(extent);
          level = level[0];
        }
        expect(level).toEqual(expect.any(Number));
      }
      expect(g.maxRelError).toEqual(expect.any(Number));
      expect(Object.keys(g.worst).sort()).toEqual(["analytic", "index", "numerical", "relError"]);
      expect(g.worst.index).toHaveLength(shape.length);
      expect(g.pass).toBe(true);
    }
    expect(error).toMatchObject({ file: bad, status: "error" });
    expect(error.error).toContain("top level");
  });

  it("reaches a pipe whole when the report is far larger than 64 KiB", async () => {
    const run = await runCli(["grad", "--json", "fixtures/lenet5-conv1-1x32x32-o6-k5.json"]);
    expect(run.stdout.length).toBeGreaterThan(4 * 65536);
    expect(JSON.parse(run.stdout).summary.passed).toBe(1);
  });
});

describe("large tensors", () => {
  it("x=[8,16,16] f=[8,1,3,3] s=2 g=8: worst cells by default, every row with --full", async () => {
    const file = "fixtures/mobilenet-depthwise-8x16x16-k3-s2-g8.json";
    const [summary, full] = await Promise.all([
      runCli(["grad", file]),
      runCli(["grad", "--full", file]),
    ]);
    expect(summary.stdout).toContain("(large tensor: worst cells shown; --full prints every cell)");
    expect(full.stdout).not.toContain("large tensor");
    // A column of failure marks only where a listed cell fails.
    const header = summary.stdout.split("\n").find((l) => l.includes("│ cell"));
    expect(header?.trim()).toMatch(/rel error │$/);
    const strict = await runCli(["grad", file, "--rtol", "0", "--atol", "0"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/rel error │ +│/);
    expect(strict.stdout).toMatch(/│ fails │/);
    // One line per input row of each of the eight channels, more than the summary has in all.
    expect(full.stdout.split("\n").length).toBeGreaterThan(
      8 * 16 + summary.stdout.split("\n").length,
    );
  });
});

describe("folders", () => {
  it("are searched recursively, in sorted order, and --exclude leaves files out", async () => {
    mkdirSync(at("tree", "a"), { recursive: true });
    mkdirSync(at("tree", "b"), { recursive: true });
    put("tree/b/y.json", learner);
    put("tree/a/z.json", learner);
    put("tree/c.json", learner);
    put("tree/a/x.json", learner);
    put("tree/notes.txt", "not a fixture");
    const files = async (...extra: string[]) => {
      const run = await runCli(["grad", "--json", ...extra, at("tree")]);
      return JSON.parse(run.stdout).results.map((r: { file: string }) =>
        r.file.slice(dir.length + 1),
      );
    };
    const [all, withoutA, withoutZ] = await Promise.all([
      files(),
      files("--exclude", "a/**"),
      files("--exclude", "z.json", "--exclude", "**/y.json"),
    ]);
    expect(all).toEqual(["tree/a/x.json", "tree/a/z.json", "tree/b/y.json", "tree/c.json"]);
    expect(withoutA).toEqual(["tree/b/y.json", "tree/c.json"]);
    expect(withoutZ).toEqual(["tree/a/x.json", "tree/c.json"]);
  });
});

describe("tolerance precedence: command line over fixture over defaults", () => {
  it("takes each of rtol, atol and eps from the highest source, and the verdict follows", async () => {
    const plain = put("plain.json", learner);
    const own = put("own-tolerance.json", {
      ...learner,
      tolerance: { rtol: 0.5, atol: 0.25, eps: 0.001 },
    });
    // A stored loss off by a relative 1e-3: it fails rtol 1e-6 and passes 1e-2.
    const loss = (await runCheck(parseFixture(JSON.stringify(learner)))).loss * (1 + 1e-3);
    const near = put("near-loss.json", { ...learner, expected: { loss } });
    const nearLoose = put("near-loss-loose.json", {
      ...learner,
      expected: { loss },
      tolerance: { rtol: 1e-2 },
    });
    const run = async (...flags: string[]) => {
      const result = await runCli(["grad", "--json", ...flags, plain, own, near, nearLoose]);
      const results = JSON.parse(result.stdout).results as Array<{ rule: unknown; status: string }>;
      return { rules: results.map((r) => r.rule), statuses: results.slice(2).map((r) => r.status) };
    };
    const [defaults, looser, stricter] = await Promise.all([
      run(),
      run("--rtol", "1e-2", "--eps", "0.03"),
      run("--rtol", "1e-6"),
    ]);
    const [plainRule, ownRule] = defaults.rules as Array<{
      rtol: number;
      atol: number;
      eps: number;
    }>;
    expect(plainRule.rtol).toBe(DEFAULT_RTOL);
    expect(plainRule.eps).toBe(DEFAULT_EPS);
    expect(plainRule.atol).toBeGreaterThan(0);
    expect(ownRule).toEqual({ rtol: 0.5, atol: 0.25, eps: 0.001 });
    expect(looser.rules[1]).toEqual({ rtol: 1e-2, atol: 0.25, eps: 0.03 });
    expect(defaults.statuses).toEqual(["fail", "pass"]);
    expect(looser.statuses).toEqual(["pass", "pass"]);
    expect(stricter.statuses).toEqual(["fail", "fail"]);
  });
});

describe("colour", () => {
  it("only on a terminal, never with NO_COLOR or a disabled flag", () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(colorFor(tty, true).level).toBeGreaterThan(0);
      expect(colorFor(pipe, true).level).toBe(0);
      expect(colorFor(tty, false).level).toBe(0);
      process.env.NO_COLOR = "1";
      expect(colorFor(tty, true).level).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  // `script` gives the binary a real terminal, where colour would be on.
  const onTerminal = (command: string, env: Record<string, string | undefined>) =>
    new Promise<string | null>((resolve) => {
      const merged = { ...process.env, ...env };
      for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
      execFile(
        "script",
        ["-qec", command, "/dev/null"],
        { cwd: root, env: merged },
        (error, stdout) => resolve(error && typeof error.code !== "number" ? null : stdout),
      );
    });

  it("through a terminal: coloured, and plain with NO_COLOR=1 or --no-color", async () => {
    const base = `"${process.execPath}" bin/convcheck.js grad fixtures/field/c6-unequal-strides.json`;
    const [coloured, noColorEnv, noColorFlag] = await Promise.all([
      onTerminal(base, { NO_COLOR: undefined }),
      onTerminal(base, { NO_COLOR: "1" }),
      onTerminal(`${base} --no-color`, { NO_COLOR: undefined }),
    ]);
    if (coloured === null) return; // no `script` on this machine: the unit test above stands
    const ansi = /\u001b\[[0-9;]*m/;
    expect(coloured).toMatch(ansi);
    expect(coloured).toContain("PASS");
    expect(noColorEnv).not.toMatch(ansi);
    expect(noColorFlag).not.toMatch(ansi);
    expect(noColorFlag).toContain("PASS");
  });
});

describe("the README's first command", () => {
  it("checks the learner's fixture and passes", async () => {
    const run = await runCli(["grad", "fixtures/learner-5x5-k3-s2-p1.json"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PASS {2}fixtures\/learner-5x5-k3-s2-p1\.json/);
    expect(run.stdout).toContain("pads top 1 bottom 1 left 1 right 1");
  });
});

describe("the README", () => {
  it("its fixture example is a fixture that passes", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Fixture format"));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const run = await runCli(["grad", put("readme-example.json", example as string)]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});
