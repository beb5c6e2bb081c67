import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShard, selectShard } from "../src/cli/shard.js";
import { goldenDir } from "./cli-support.js";
import { runCli } from "./helpers/cli.js";

describe("parseShard", () => {
  it.each([
    ["1/1", 1, 1],
    ["2/3", 2, 3],
    [" 3 / 3 ", 3, 3],
    ["10/12", 10, 12],
  ])("accepts %j", (spec, index, count) => {
    expect(parseShard(spec)).toEqual({ index, count });
  });
  it.each([
    "0/3",
    "4/3",
    "1/0",
    "1",
    "/3",
    "a/b",
    "1.5/3",
    "-1/3",
    "1/3/5",
    "",
    "1/99999999999999999999",
  ])("throws on %j", (spec) => {
    expect(() => parseShard(spec)).toThrow(/expected I\/N with 1 <= I <= N/);
  });
});

describe("selectShard", () => {
  it("deals the sorted list in turn, whatever order the paths came in", () => {
    const entries = ["e", "a", "d", "b", "c"].map((file) => ({ file }));
    const pick = (index: number) => selectShard(entries, { index, count: 2 }).map((e) => e.file);
    expect(pick(1)).toEqual(["a", "c", "e"]);
    expect(pick(2)).toEqual(["b", "d"]);
  });
  it("keeps unreadable command-line paths in every shard", () => {
    const entries = [{ file: "a" }, { file: "missing", problem: "no such file or folder" }];
    for (const index of [1, 2, 3]) {
      expect(selectShard(entries, { index, count: 3 }).some((e) => e.problem)).toBe(true);
    }
  });
});

describe("grad --shard over fixtures/golden", () => {
  const all = readdirSync(goldenDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(goldenDir, f));

  it("shards 1/3, 2/3 and 3/3 together check every fixture exactly once", async () => {
    const runs = await Promise.all(
      [1, 2, 3].map((i) => runCli(["grad", goldenDir, "--json", "--shard", `${i}/3`])),
    );
    const seen: string[] = [];
    for (const run of runs) {
      expect(run.code).toBe(0);
      const files = JSON.parse(run.stdout).results.map((r: { file: string }) => r.file);
      expect(files.length).toBeGreaterThanOrEqual(6);
      seen.push(...files);
    }
    expect(seen.sort()).toEqual([...all].sort());
  });

  it("a shard with nothing in it passes with an empty report", async () => {
    const run = await runCli(["grad", all[0], "--json", "--shard", "2/2"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.total).toBe(0);
  });

  it.each(["0/3", "4/3", "x", "1/0", "2"])(
    "--shard %s exits 2 with one line on stderr",
    async (spec) => {
      const run = await runCli(["grad", goldenDir, "--shard", spec]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/--shard/);
    },
  );
});
