import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addNewCommand } from "../src/cli/new.js";
import { runCheck } from "../src/core/check.js";
import { seededRandom } from "../src/core/random.js";
import {
  fixtureText,
  generateFixture,
  type LayerSpec,
  valueSource,
} from "../src/fixture/generate.js";
import { parseFixture } from "../src/fixture/load.js";
import { flat } from "./helpers/allclose.js";
import { root, runAll, runCli } from "./helpers/cli.js";
import { randomLayer } from "./helpers/layers.js";

const layer: LayerSpec = {
  inputShape: [1, 3, 8, 8],
  filterShape: [4, 3, 3, 3],
  bias: true,
  stride: 2,
  dilation: 1,
  padding: "same",
  groups: 1,
  seed: 7,
  integers: false,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "convcheck-new-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("seeded values", () => {
  it("the seeded generator repeats its sequence for a seed and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(first);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it("normal values have 4 decimals, mean near 0 and spread near 1", () => {
    const next = valueSource(3, false);
    const values = Array.from({ length: 20000 }, next);
    expect(
      values.every((v) => Number.isInteger(Math.round(v * 1e4)) && v === Math.round(v * 1e4) / 1e4),
    ).toBe(true);
    expect(values.some((v) => Object.is(v, -0))).toBe(false);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const spread = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(spread - 1)).toBeLessThan(0.05);
  });

  it("--integers draws each of -3..-1 and 1..3, never 0", () => {
    const next = valueSource(5, true);
    const seen = new Set(Array.from({ length: 2000 }, next));
    expect([...seen].sort()).toEqual([-1, -2, -3, 1, 2, 3]);
  });
});

describe("generateFixture x=[1,3,8,8] f=[4,3,3,3] bias s=2 p=same seed=7", () => {
  it("gives the same bytes for the same settings and other values for another seed", () => {
    const text = fixtureText(generateFixture(layer));
    expect(fixtureText(generateFixture(layer))).toBe(text);
    expect(fixtureText(generateFixture({ ...layer, seed: 8 }))).not.toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it("writes a target in the output's shape and a file that passes the check", async () => {
    const fixture = parseFixture(fixtureText(generateFixture(layer)));
    expect(fixture.geo.outputShape).toEqual([1, 4, 4, 4]);
    expect(fixture.target.shape).toEqual([1, 4, 4, 4]);
    expect(fixture.bias?.shape).toEqual([4]);
    expect(fixture.description).toContain("--seed 7");
    const result = await runCheck(fixture);
    expect(result.pass).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("keeps the padding form and settings as given", () => {
    const doc = generateFixture({
      ...layer,
      padding: [1, 0, 2, 1],
      stride: [2, 1],
      dilation: [1, 2],
    });
    expect(doc).toMatchObject({
      padding: [1, 0, 2, 1],
      stride: [2, 1],
      dilation: [1, 2],
      groups: 1,
    });
  });

  it("throws at the input for a tensor past the size limit, before drawing anything", () => {
    expect(() => generateFixture({ ...layer, inputShape: [100000, 100000] })).toThrow(
      /input|elements/,
    );
  });
});

describe("generateFixture on random layers", () => {
  it("always writes a fixture that loads, has the target's shape and passes", async () => {
    await fc.assert(
      fc.asyncProperty(randomLayer, fc.boolean(), async (r, integers) => {
        const { layer } = r;
        const spec: LayerSpec = {
          inputShape: [layer.batch, layer.inChannels, layer.height, layer.width],
          filterShape: [
            layer.outChannels,
            layer.inChannels / layer.groups,
            layer.kernelHeight,
            layer.kernelWidth,
          ],
          bias: r.bias,
          stride: layer.stride,
          dilation: layer.dilation,
          padding: r.padding,
          groups: layer.groups,
          seed: r.seed,
          integers,
        };
        const text = fixtureText(generateFixture(spec));
        expect(fixtureText(generateFixture(spec))).toBe(text);
        const fixture = parseFixture(text);
        expect(fixture.target.shape).toEqual(fixture.geo.outputShape);
        expect((await runCheck(fixture)).pass).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("convcheck new through the binary", () => {
  const args = [
    "new",
    "--input",
    "1x3x8x8",
    "--filter",
    "4x3x3x3",
    "--bias",
    "--stride",
    "2",
    "--padding",
    "same",
    "--seed",
    "7",
  ];

  it("writes the same bytes to stdout and to a file, refuses to overwrite, and --force replaces", async () => {
    const file = join(dir, "made.json");
    const [out, written] = await runAll([args, [...args, "-o", file]]);
    expect(out.code).toBe(0);
    expect(written.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(out.stdout);

    writeFileSync(file, "keep me");
    const refused = await runCli([...args, "-o", file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("keep me");

    const forced = await runCli([...args, "--seed", "8", "-o", file, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, "utf8")).not.toBe(out.stdout);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("exits 2 for a folder that does not exist, and leaves no temporary file", async () => {
    const run = await runCli([...args, "-o", join(dir, "missing", "f.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no such folder");
  });

  it("makes a file that grad passes", async () => {
    const file = join(dir, "checked.json");
    const made = await runCli([
      ...args,
      "--integers",
      "--groups",
      "1",
      "--dilation",
      "1",
      "-o",
      file,
    ]);
    expect(made.code).toBe(0);
    const checked = await runCli(["grad", file]);
    expect(checked.code).toBe(0);
  });

  it.each([
    [["--input", "3x8", "--filter", "4x3x3"], "--filter"],
    [["--input", "8x8", "--filter", "3x3", "--padding", "full"], "--padding"],
    [["--input", "3x8x8", "--filter", "4x3x3x3", "--groups", "2"], "--groups"],
    [["--filter", "3x3"], "--input"],
  ])("exits 2 naming the option for %j", async (extra, option) => {
    const target = join(dir, "never.json");
    const run = await runCli(["new", ...extra, "-o", target]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(option);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(existsSync(target)).toBe(false);
  });
});

describe("shipped fixtures made by convcheck new", () => {
  const readme = readFileSync(join(root, "fixtures", "README.md"), "utf8");
  const commands = [...readme.matchAll(/`convcheck new (--[^`]+-o (fixtures\/[^`\s]+))`/g)].map(
    (m) => ({
      args: m[1].split(/\s+/),
      file: m[2],
    }),
  );

  it("lists every generated fixture, the learner's first", () => {
    expect(commands.map((c) => c.file)).toContain("fixtures/learner-5x5-k3-s2-p1.json");
    expect(commands).toHaveLength(7);
  });

  it("are reproduced byte for byte by the commands in fixtures/README.md", async () => {
    for (const c of commands) {
      // The command's own parser and writer, in this process, into a scratch folder.
      const out = join(dir, c.file.replace(/\//g, "_"));
      const program = new Command().exitOverride();
      addNewCommand(program);
      await program.parseAsync(["new", ...c.args.slice(0, -2), "-o", out], { from: "user" });
      expect(process.exitCode, c.file).toBe(0);
      process.exitCode = undefined;
      const shipped = readFileSync(join(root, c.file), "utf8");
      expect(readFileSync(out, "utf8") === shipped, `${c.file} matches its command`).toBe(true);
      expect(shipped.length).toBeLessThan(150_000);
    }
  });

  it("the learner's fixture uses small whole numbers", () => {
    const doc = JSON.parse(
      readFileSync(join(root, "fixtures", "learner-5x5-k3-s2-p1.json"), "utf8"),
    );
    const values = [...flat(doc.input), ...flat(doc.filter), ...flat(doc.target)];
    expect(values.every((v) => Number.isInteger(v) && Math.abs(v) <= 3)).toBe(true);
    expect(doc).toMatchObject({ stride: 2, padding: 1 });
  });
});
