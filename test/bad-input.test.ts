import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ELEMENTS } from "../src/core/geometry.js";
import { type CliRun, runAll, runCli } from "./helpers/cli.js";

const good = {
  input: [
    [1, 2],
    [3, 4],
  ],
  filter: [[1]],
  target: [
    [1, 2],
    [3, 4],
  ],
};
const with_ = (change: Record<string, unknown>) => JSON.stringify({ ...good, ...change });

interface Case {
  title: string;
  text: string | Buffer;
  /** The JSON path the message must name; "" for the whole document. */
  path: string;
  /** Fragments of the message: the value found and what is allowed. */
  says: string[];
}

const cases: Case[] = [
  {
    title: "truncated JSON",
    text: '{"input": [[1, 2], [3',
    path: "",
    says: ["not valid JSON", "line 1"],
  },
  { title: "an empty file", text: "", path: "", says: ["empty"] },
  { title: "a file of blanks", text: "  \n\t\n", path: "", says: ["empty"] },
  {
    title: "UTF-16 text",
    text: Buffer.from("\ufeff{}", "utf16le"),
    path: "",
    says: ["UTF-16", "save it as UTF-8"],
  },
  {
    title: "Latin-1 text",
    text: Buffer.from('{"name": "caf\xe9"}', "latin1"),
    path: "",
    says: ["not UTF-8", "0xe9 at offset 13", "save it as UTF-8"],
  },
  {
    title: "a top-level array",
    text: "[1, 2]",
    path: "",
    says: ["top level is [1, 2]", "JSON object"],
  },
  { title: "a top-level number", text: "3", path: "", says: ["top level is 3", "JSON object"] },
  { title: "a top-level null", text: "null", path: "", says: ["top level is null"] },
  { title: "a top-level string", text: '"fixture"', path: "", says: ['top level is "fixture"'] },
  {
    title: "input missing",
    text: JSON.stringify({ filter: [[1]], target: [[1]] }),
    path: "input",
    says: ["missing", "[H, W]"],
  },
  {
    title: "filter missing",
    text: JSON.stringify({ input: [[1]], target: [[1]] }),
    path: "filter",
    says: ["missing", "[KH, KW]"],
  },
  {
    title: "target missing",
    text: JSON.stringify({ input: [[1]], filter: [[1]] }),
    path: "target",
    says: ["missing", "[N, Cout, OH, OW]"],
  },
  {
    title: "a misspelt key",
    text: with_({ strides: 2 }),
    path: "strides",
    says: ["unknown key", 'did you mean "stride"'],
  },
  {
    title: "a misspelt tolerance key",
    text: with_({ tolerance: { rtoll: 1 } }),
    path: "tolerance.rtoll",
    says: ['did you mean "rtol"'],
  },
  {
    title: "a ragged input",
    text: with_({ input: [[1, 2], [3]] }),
    path: "input[1]",
    says: ["has 1 entry but input[0] has 2", "ragged"],
  },
  {
    title: "a number where a row belongs",
    text: with_({ input: [[1, 2], 3] }),
    path: "input[1]",
    says: ["found 3", "ragged"],
  },
  {
    title: "an empty input",
    text: with_({ input: [] }),
    path: "input",
    says: ["empty array", "[H, W]"],
  },
  { title: "an empty row", text: with_({ input: [[]] }), path: "input[0]", says: ["empty array"] },
  {
    title: "a string in the input",
    text: with_({
      input: [
        [1, "2"],
        [3, 4],
      ],
    }),
    path: "input[0][1]",
    says: ['found "2"', "finite number"],
  },
  {
    title: "null in the filter",
    text: with_({ filter: [[null]] }),
    path: "filter[0][0]",
    says: ["found null", "finite number"],
  },
  {
    title: "a boolean in the target",
    text: with_({
      target: [
        [1, true],
        [3, 4],
      ],
    }),
    path: "target[0][1]",
    says: ["found true", "finite number"],
  },
  {
    title: "a string in the bias",
    text: with_({ bias: ["1"] }),
    path: "bias[0]",
    says: ['found "1"', "finite number"],
  },
  {
    title: "a number too large for float64",
    text: '{"input": [[1, 2], [3, 1e999]], "filter": [[1]], "target": [[1, 2], [3, 4]]}',
    path: "input[1][1]",
    says: ["too large for float64", "finite number"],
  },
  {
    title: "five nested levels",
    text: with_({ input: [[[[[1]]]]] }),
    path: "input",
    says: ["more than 4 levels", "[N, C, H, W]"],
  },
  {
    title: "a nested bias",
    text: with_({ bias: [[1]] }),
    path: "bias",
    says: ["more than 1 level", "one number per output channel"],
  },
  {
    title: "a 1-D input",
    text: with_({ input: [1, 2, 3] }),
    path: "input",
    says: ["1 dimension [3]", "[H, W]"],
  },
  {
    title: "a 3-D filter",
    text: with_({ filter: [[[1]]] }),
    path: "filter",
    says: ["3 dimensions [1, 1, 1]", "[Cout, C / groups, KH, KW]"],
  },
  {
    title: "a filter for the wrong number of channels",
    text: JSON.stringify({
      input: [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ],
      filter: [[[[1]]]],
      target: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    }),
    path: "filter",
    says: ["[1, 1, 1, 1]", "input [2, 2, 2] has 2", "C / groups = 2"],
  },
  {
    title: "a 2-D filter on a 2-channel input",
    text: JSON.stringify({ input: [[[1]], [[2]]], filter: [[1]], target: [[[1]]] }),
    path: "filter",
    says: ["needs one input channel", "[2, 1, 1]"],
  },
  {
    title: "groups that do not divide the channels",
    text: JSON.stringify({
      input: [[[1]], [[2]], [[3]]],
      filter: [[[[1]]], [[[1]]], [[[1]]]],
      groups: 2,
      target: [[[1]], [[1]], [[1]]],
    }),
    path: "groups",
    says: ["groups 2", "input channels (3)"],
  },
  {
    title: "groups 0",
    text: with_({ groups: 0 }),
    path: "groups",
    says: ["found 0", "positive integer"],
  },
  {
    title: "groups 1.5",
    text: with_({ groups: 1.5 }),
    path: "groups",
    says: ["found 1.5", "positive integer"],
  },
  {
    title: "a bias of the wrong length",
    text: with_({ bias: [1, 2] }),
    path: "bias",
    says: ["has 2 values", "1 output channel"],
  },
  {
    title: "stride 0",
    text: with_({ stride: 0 }),
    path: "stride",
    says: ["found 0", "positive integer"],
  },
  {
    title: "a negative stride",
    text: with_({ stride: [1, -1] }),
    path: "stride[1]",
    says: ["found -1", "positive integer"],
  },
  {
    title: "a fractional stride",
    text: with_({ stride: 1.5 }),
    path: "stride",
    says: ["found 1.5", "positive integer"],
  },
  {
    title: "a stride given as a string",
    text: with_({ stride: "2" }),
    path: "stride",
    says: ['found "2"', "positive integer"],
  },
  {
    title: "dilation 0",
    text: with_({ dilation: 0 }),
    path: "dilation",
    says: ["found 0", "positive integer"],
  },
  {
    title: "a negative dilation",
    text: with_({ dilation: -2 }),
    path: "dilation",
    says: ["found -2", "positive integer"],
  },
  {
    title: "a fractional dilation",
    text: with_({ dilation: [2, 0.5] }),
    path: "dilation",
    says: ["found [2, 0.5]", "positive integer"],
  },
  {
    title: "negative padding",
    text: with_({ padding: -1 }),
    path: "padding",
    says: ["found -1", "non-negative integer"],
  },
  {
    title: "negative padding in a list",
    text: with_({ padding: [0, 0, -1, 0] }),
    path: "padding[2]",
    says: ["found -1", "non-negative integer"],
  },
  {
    title: "an unknown padding word",
    text: with_({ padding: "full" }),
    path: "padding",
    says: ['found "full"', '"valid" or "same"'],
  },
  {
    title: "TensorFlow's upper-case padding word",
    text: with_({ padding: "SAME" }),
    path: "padding",
    says: ['found "SAME"', 'did you mean "same"?'],
  },
  {
    title: "a misspelt activation",
    text: with_({ activation: "Relu" }),
    path: "activation",
    says: ['found "Relu"', 'did you mean "relu"?'],
  },
  {
    title: "three pads",
    text: with_({ padding: [1, 1, 1] }),
    path: "padding",
    says: ["found [1, 1, 1]", "[top, bottom, left, right]"],
  },
  {
    title: "a kernel larger than the padded input",
    text: with_({
      filter: [
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ],
    }),
    path: "filter",
    says: ["spans 3x3", "padded input is only 2x2"],
  },
  {
    title: "a target of the wrong shape",
    text: with_({ target: [[1, 2]] }),
    path: "target",
    says: ["[1, 2]", "is [2, 2]"],
  },
  {
    title: "huge padding in a small file",
    text: with_({ padding: 100000 }),
    path: "padding",
    says: ["200002x200002", `at most ${MAX_ELEMENTS}`],
  },
  {
    title: "huge padding on one side",
    text: with_({ padding: [0, 0, 0, 20000000] }),
    path: "padding",
    says: ["2x20000002", `at most ${MAX_ELEMENTS}`],
  },
  {
    title: "values whose loss overflows",
    text: with_({
      input: [
        [1e200, 2],
        [3, 4],
      ],
      filter: [[1e200]],
    }),
    path: "input[0][0]",
    says: ["found 1e+200", "overflow", "scale the fixture's values down"],
  },
  {
    title: "values whose perturbed loss would overflow",
    text: with_({ input: [[1.34e154, 1]], target: [[0, 0]] }),
    path: "input[0][0]",
    says: ["found 1.34e+154", "overflow"],
  },
  {
    title: "values whose gradient overflows",
    text: with_({ input: [[1e308, 1e308]], filter: [[1e-308]], target: [[0, 0]] }),
    path: "input[0][0]",
    says: ["found 1e+308", "overflow"],
  },
  {
    title: "a padding past safe integers",
    text: with_({ padding: 1e300 }),
    path: "padding",
    says: ["found 1e+300", "non-negative integer"],
  },
  {
    title: "a negative rtol",
    text: with_({ tolerance: { rtol: -1 } }),
    path: "tolerance.rtol",
    says: ["found -1", "non-negative number"],
  },
  {
    title: "eps 0",
    text: with_({ tolerance: { eps: 0 } }),
    path: "tolerance.eps",
    says: ["found 0", "positive number"],
  },
  {
    title: "an expected loss that is a string",
    text: with_({ expected: { loss: "x" } }),
    path: "expected.loss",
    says: ['found "x"', "finite number"],
  },
  {
    title: "an expected output of the wrong shape",
    text: with_({ expected: { output: [[1]] } }),
    path: "expected.output",
    says: ["[1, 1]", "[2, 2]"],
  },
  {
    title: "an expected bias gradient without a bias",
    text: with_({ expected: { biasGrad: [1] } }),
    path: "expected.biasGrad",
    says: ["no bias"],
  },
  {
    title: "a name that is a number",
    text: with_({ name: 3 }),
    path: "name",
    says: ["found 3", "a string"],
  },
];

/** A few classes run alone, to see the exit code of a single bad file. */
const alone = new Set([
  "truncated JSON",
  "an empty file",
  "a top-level array",
  "target missing",
  "a ragged input",
  "huge padding in a small file",
]);

let dir: string;
let together: CliRun;
let single: Map<number, CliRun>;
const fileOf = (i: number) => join(dir, `case-${String(i).padStart(2, "0")}.json`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "convcheck-bad-"));
  cases.forEach((c, i) => {
    writeFileSync(fileOf(i), c.text);
  });
  const picked = cases.flatMap((c, i) => (alone.has(c.title) ? [i] : []));
  const [all, ...runs] = await runAll([
    ["grad", ...cases.map((_, i) => fileOf(i))],
    ...picked.map((i) => ["grad", fileOf(i)]),
  ]);
  together = all;
  single = new Map(picked.map((i, k) => [i, runs[k]]));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("every bad fixture: exit 2 and one line naming the file, the JSON path and the value", () => {
  it("a run over all of them exits 2 with one error line per file and no stack trace", () => {
    expect(together.code).toBe(2);
    expect(together.stderr.trimEnd().split("\n")).toHaveLength(cases.length);
    for (const text of [together.stdout, together.stderr]) {
      expect(text).not.toMatch(/^\s+at /m);
      expect(text).not.toMatch(/internal error|TypeError|RangeError|SyntaxError/);
    }
    expect(together.stdout).toContain(`0 of ${cases.length} fixtures passed`);
  });

  it.each(cases.map((c, i) => [c.title, i] as const))("%s", (_title, i) => {
    const c = cases[i];
    const prefix = `convcheck: error: ${fileOf(i)}: ${c.path ? `${c.path}: ` : ""}`;
    const lines = together.stderr
      .split("\n")
      .filter((l) => l.startsWith(`convcheck: error: ${fileOf(i)}: `));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(prefix), `"${lines[0]}" starts with "${prefix}"`).toBe(true);
    for (const fragment of c.says) expect(lines[0]).toContain(fragment);
    const run = single.get(i);
    if (run) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`${lines[0]}\n`);
      // The error line goes to stderr; stdout holds at most the verdict.
      expect(run.stdout === "" || run.stdout.startsWith("ERROR")).toBe(true);
    }
  });

  it("a UTF-8 byte order mark is accepted", async () => {
    const file = join(dir, "bom.json");
    writeFileSync(file, `\ufeff${JSON.stringify(good)}`);
    const run = await runCli(["grad", file]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe("a folder with bad fixtures among good ones", () => {
  it("checks the others, counts the errors and exits 2", async () => {
    const folder = join(dir, "mixed");
    mkdirSync(join(folder, "deeper"), { recursive: true });
    writeFileSync(join(folder, "a-good.json"), JSON.stringify(good));
    writeFileSync(join(folder, "b-bad.json"), with_({ stride: 0 }));
    writeFileSync(
      join(folder, "deeper", "c-good.json"),
      with_({
        padding: 1,
        target: [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
      }),
    );
    writeFileSync(join(folder, "deeper", "d-truncated.json"), '{"input": [[');
    symlinkSync(join(folder, "nowhere.json"), join(folder, "e-dangling.json"));
    const [text, json] = await Promise.all([
      runCli(["grad", folder]),
      runCli(["grad", "--json", folder]),
    ]);

    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^ERROR {2}2 of 5 fixtures passed, 3 could not be checked/);
    expect(text.stderr.trimEnd().split("\n")).toEqual([
      expect.stringContaining("b-bad.json: stride: found 0"),
      expect.stringContaining("d-truncated.json: not valid JSON"),
      expect.stringContaining("e-dangling.json: no such file"),
    ]);

    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toEqual({ total: 5, passed: 2, failed: 0, errors: 3 });
    expect(report.results.map((r: { status: string }) => r.status)).toEqual([
      "pass",
      "error",
      "pass",
      "error",
      "error",
    ]);
    expect(report.results[1].error).toContain("stride: found 0");
  });
});

describe("files that are not regular files", () => {
  const dir = mkdtempSync(join(tmpdir(), "convcheck-special-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a FIFO and a link to /dev/zero named *.json: one line each, the good fixture still checked", async () => {
    writeFileSync(
      join(dir, "a.json"),
      JSON.stringify({
        input: [
          [1, 2],
          [3, 4],
        ],
        filter: [[1]],
        target: [
          [0, 0],
          [0, 0],
        ],
      }),
    );
    execFileSync("mkfifo", [join(dir, "fifo.json")]);
    symlinkSync("/dev/zero", join(dir, "zero.json"));
    const run = await runCli(["grad", dir, "--json"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      `convcheck: error: ${join(dir, "fifo.json")}: is not a regular file (a pipe, socket or device)`,
      `convcheck: error: ${join(dir, "zero.json")}: is not a regular file (a pipe, socket or device)`,
    ]);
    const results = JSON.parse(run.stdout).results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(["pass", "error", "error"]);
  });
});

describe("a numerical check that overflows is refused, never passed", () => {
  const dir = mkdtempSync(join(tmpdir(), "convcheck-overflow-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const row = (v: number) => [v, v, v, v, v];

  it("inputs of -1e300 under relu: the step overflows; exit 2 in one line, not PASS", async () => {
    const file = join(dir, "relu-huge.json");
    const doc = {
      input: Array.from({ length: 5 }, () => row(-1e300)),
      filter: [row(1).slice(0, 3), row(1).slice(0, 3), row(1).slice(0, 3)],
      target: [row(0).slice(0, 3), row(0).slice(0, 3), row(0).slice(0, 3)],
      stride: 2,
      padding: 1,
      activation: "relu",
    };
    writeFileSync(file, JSON.stringify(doc));
    const run = await runCli(["grad", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/the numerical check of input overflows/);
  });

  it("--eps 1e308 on the worked example: exit 2, where a sane eps passes", async () => {
    const fixture = "fixtures/learner-5x5-k3-s2-p1.json";
    const huge = await runCli(["grad", fixture, "--eps", "1e308"]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/overflows .*use a smaller eps/);
    expect((await runCli(["grad", fixture, "--eps", "1e-2"])).code).toBe(0);
  });
});
