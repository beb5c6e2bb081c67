import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { convcheck, goldenDir, tempDir } from "./cli-support.js";
import { expectAllClose, flat } from "./helpers/allclose.js";

const goldenFiles = readdirSync(goldenDir).filter((f) => f.endsWith(".json"));
const read = (file: string) => readFileSync(file, "utf8");
const readJson = (file: string) => JSON.parse(read(file));

/** Every stored value within 1e-9 of PyTorch's, relative to the value itself. */
function expectLikePyTorch(written: Record<string, unknown>, pytorch: Record<string, unknown>) {
  expect(Object.keys(written).sort()).toEqual(Object.keys(pytorch).sort());
  for (const key of Object.keys(pytorch)) {
    expectAllClose(flat(written[key]), flat(pytorch[key]), { rtol: 1e-9, atol: 0 }, key);
  }
}

describe("convcheck update on golden fixtures stripped of expected", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);

  it("writes values equal to PyTorch's within 1e-9 for all twenty, in one run", () => {
    const originals = new Map<string, Record<string, unknown>>();
    for (const file of goldenFiles) {
      const doc = readJson(join(goldenDir, file));
      originals.set(file, doc.expected);
      delete doc.expected;
      writeFileSync(join(dir, file), `${JSON.stringify(doc, null, 1)}\n`);
    }
    // Nothing stored is nothing stale: --check only mentions what update would add.
    const check = convcheck(["update", "--check", dir]);
    expect(check.code).toBe(0);
    expect(check.stdout.split("\n")[0]).toBe("check: 20 unchanged (20 fixtures)");
    expect(check.stdout).toMatch(
      /nothing stored; update would add expected output, loss, filterGrad/,
    );
    const before = new Map(goldenFiles.map((f) => [f, read(join(dir, f))]));
    for (const f of goldenFiles) expect(read(join(dir, f))).toBe(before.get(f));

    const run = convcheck(["update", dir]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe("update: 20 updated (20 fixtures)");
    for (const file of goldenFiles) {
      const text = read(join(dir, file));
      const doc = JSON.parse(text);
      expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
      expectLikePyTorch(doc.expected, originals.get(file)!);
      const original = readJson(join(goldenDir, file));
      delete original.expected;
      const { expected: _, ...rest } = doc;
      expect(rest).toEqual(original);
    }
    expect(convcheck(["update", "--check", dir]).code).toBe(0);
    expect(convcheck(["grad", dir]).code).toBe(0);
  });
});

describe("convcheck update keeps the document", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  const source = readJson(join(goldenDir, "batch2-bias-2x1x6x6-o2-k3-p1.json"));

  it("refreshes only stale values, keeping every key where it was", () => {
    const doc = structuredClone(source);
    doc.expected = { loss: doc.expected.loss + 1, output: doc.expected.output };
    const file = join(dir, "stale.json");
    writeFileSync(file, JSON.stringify(doc));
    const check = convcheck(["update", "--check", file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /stale +\S+stale\.json: expected loss is stale \(outside the pass rule\); update would add expected filterGrad, inputGrad, biasGrad/,
    );
    expect(read(file)).toBe(JSON.stringify(doc));
    const run = convcheck(["update", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote expected loss, filterGrad, inputGrad, biasGrad");
    const written = readJson(file);
    expect(Object.keys(written)).toEqual(Object.keys(source));
    expect(Object.keys(written.expected)).toEqual([
      "loss",
      "output",
      "filterGrad",
      "inputGrad",
      "biasGrad",
    ]);
    // The stored output was current, so it is PyTorch's, digit for digit.
    expect(written.expected.output).toEqual(source.expected.output);
    expectAllClose(
      [written.expected.loss],
      [source.expected.loss],
      { rtol: 1e-12, atol: 0 },
      "loss",
    );
  });

  it("leaves a current fixture's bytes alone, odd formatting and all", () => {
    const file = join(dir, "current.json");
    const text = JSON.stringify(source, null, 1);
    writeFileSync(file, text);
    const run = convcheck(["update", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("unchanged  ");
    expect(read(file)).toBe(text);
  });

  it("refuses, writing nothing, when analytic and numerical gradients disagree", () => {
    // rtol = atol = 0 demands bit-identical gradients, which rounding denies.
    const doc = { ...structuredClone(source), tolerance: { rtol: 0, atol: 0 } };
    delete doc.expected;
    const file = join(dir, "strict.json");
    const text = JSON.stringify(doc, null, 2);
    writeFileSync(file, text);
    const run = convcheck(["update", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /refused +\S+strict\.json: analytic and numerical gradients disagree \(dE\/dFilter \d+ of 18 cells/,
    );
    expect(read(file)).toBe(text);
  });

  it.each([
    ["a ragged target", '{"input": [[1, 2], [3, 4]], "filter": [[1]], "target": [[1, 2], [3]]}'],
    ["truncated JSON", '{"input": [[1, 2], [3, 4]], "filter": [[1]], "tar'],
    ["an unknown key", '{"input": [[1]], "filter": [[1]], "target": [[1]], "expectd": {}}'],
    [
      "a stale block beside a bad one",
      '{"input": [[1]], "filter": [[1]], "target": [[1]], "expected": {"loss": 9, "biasGrad": [1]}}',
    ],
  ])("a fixture with %s stays byte-identical and the run exits 2", (_, text) => {
    const file = join(dir, "bad.json");
    writeFileSync(file, text);
    const good = join(dir, "good.json");
    const goodDoc = structuredClone(source);
    delete goodDoc.expected;
    writeFileSync(good, JSON.stringify(goodDoc));
    const run = convcheck(["update", file, good]);
    expect(run.code).toBe(2);
    expect(read(file)).toBe(text);
    expect(run.stderr).toMatch(/^convcheck: error: \S+bad\.json: /);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    // The other fixture is still updated.
    expect(readJson(good).expected).toBeDefined();
  });

  it("leaves no temporary files behind", () => {
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("convcheck update, then grad, on every shipped fixture", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  const fixtures = join(import.meta.dirname, "..", "fixtures");

  it("what update writes, grad holds: kink cells included", () => {
    cpSync(fixtures, dir, { recursive: true });
    expect(convcheck(["update", dir]).code).toBe(0);
    expect(readJson(join(dir, "field", "c9-relu-kink.json")).expected.filterGrad).toBeDefined();
    const grad = convcheck(["grad", dir]);
    expect(grad.stdout).toMatch(/^PASS {2}(\d+) of \1 fixtures passed/);
    expect(grad.code).toBe(0);
  });

  it("a stored gradient outside a kink's one-sided slopes still fails", () => {
    const file = join(dir, "field", "c9-relu-kink.json");
    const doc = readJson(file);
    // c9's filter cell [0][0] has one-sided slopes -3 and -4; 0 lies outside both.
    doc.expected.filterGrad[0][0] = 0;
    writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
    const grad = convcheck(["grad", file]);
    expect(grad.code).toBe(1);
    expect(grad.stdout).toMatch(/filterGrad \(numerical\) MISMATCH/);
  });
});
