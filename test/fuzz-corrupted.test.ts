import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { InputError } from "../src/core/errors.js";
import { parseFixture } from "../src/fixture/load.js";
import { goldenDir, STACK_LINE, tempDir } from "./cli-support.js";
import { runCli } from "./helpers/cli.js";

/**
 * Corrupted fixtures, built from the golden fixtures and from small random
 * valid ones: every one must load and check, or be refused with an
 * InputError or convcheck's own RangeError carrying a one-line message.
 */

const golden = readdirSync(goldenDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => readFileSync(join(goldenDir, f), "utf8"));

const small = fc.double({ min: -4, max: 4, noNaN: true });
const grid = (rows: number, cols: number) =>
  fc.array(fc.array(small, { minLength: cols, maxLength: cols }), {
    minLength: rows,
    maxLength: rows,
  });

/** A small fixture that is usually valid: 2-D input and filter, the target sized to fit. */
const validDoc = fc
  .record({
    height: fc.integer({ min: 1, max: 6 }),
    width: fc.integer({ min: 1, max: 6 }),
    kernel: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
  })
  .chain(({ height, width, kernel, stride, pad }) => {
    const outHeight = Math.max(1, Math.floor((height + 2 * pad - kernel) / stride) + 1);
    const outWidth = Math.max(1, Math.floor((width + 2 * pad - kernel) / stride) + 1);
    return fc.record({
      name: fc.string(),
      input: grid(height, width),
      filter: grid(kernel, kernel),
      target: grid(outHeight, outWidth),
      stride: fc.constant(stride),
      padding: fc.constant(pad),
    });
  })
  .map((doc) => JSON.stringify(doc, null, 1));

const seedText = fc.oneof(
  { arbitrary: fc.constantFrom(...golden), weight: 1 },
  { arbitrary: validDoc, weight: 2 },
);

const extreme = fc.constantFrom(
  1e308,
  -1e308,
  Number.MAX_VALUE,
  5e-324,
  -5e-324,
  1e-308,
  2 ** 53,
  2 ** 31,
  -(2 ** 31),
  1e20,
  4096,
  0,
  -0,
  -1,
  0.5,
);

const wrongValue = fc.oneof(
  extreme,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom("same", "valid", "SAME", "", null, true, [], {}, [[]], [[[]]], [1, 2, 3], [0, 0]),
  fc.constantFrom("relu", "tanh", "sigmoid", "leaky_relu", "mse_mean", "l1_mean"),
  fc.record({ name: fc.constant("leaky_relu"), slope: fc.oneof(extreme, fc.double()) }),
);

const KEYS = [
  "input",
  "filter",
  "target",
  "bias",
  "stride",
  "padding",
  "dilation",
  "groups",
  "tolerance",
  "expected",
  "name",
  "$schema",
  "expectd",
  "__proto__",
];

/** Set a top-level key, or one cell deep inside a tensor, to a wrong value. */
function setValue(text: string, key: string, value: unknown, depth: number): string {
  const doc = JSON.parse(text);
  let node: unknown = doc;
  let parent: Record<string | number, unknown> = doc;
  let slot: string | number = key;
  node = doc[key];
  for (let d = 0; d < depth && Array.isArray(node) && node.length > 0; d++) {
    parent = node as unknown as Record<number, unknown>;
    slot = d % node.length;
    node = node[slot];
  }
  parent[slot] = value;
  return JSON.stringify(doc);
}

/** Grow or shrink one row of a tensor, or nest a cell one level deeper. */
function damageShape(text: string, key: string, kind: number): string {
  const doc = JSON.parse(text);
  let row = doc[key];
  if (!Array.isArray(row)) return text;
  while (Array.isArray(row[row.length - 1]) && Array.isArray(row[row.length - 1][0])) {
    row = row[row.length - 1];
  }
  if (kind === 0) row.pop();
  else if (kind === 1) row.push(Array.isArray(row[0]) ? [...row[0]] : 1);
  else if (kind === 2) row[0] = [row[0]];
  else doc[key] = row.flat(Infinity);
  return JSON.stringify(doc);
}

const corrupted = fc.oneof(
  // Truncated text.
  fc
    .tuple(seedText, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([t, f]) => t.slice(0, Math.floor(t.length * f))),
  // One character replaced.
  fc
    .tuple(seedText, fc.nat(), fc.constantFrom(...'{}[],:"0123456789eE.+-nN \u0000\ufeff\u2028é'))
    .map(([t, at, ch]) => {
      const i = at % Math.max(1, t.length);
      return t.slice(0, i) + ch + t.slice(i + 1);
    }),
  // Wrong types and extreme numbers, at the top or inside a tensor.
  fc
    .tuple(seedText, fc.constantFrom(...KEYS), wrongValue, fc.integer({ min: 0, max: 4 }))
    .map(([t, key, value, depth]) => setValue(t, key, value, depth)),
  // Wrong shapes.
  fc
    .tuple(
      seedText,
      fc.constantFrom("input", "filter", "target", "expected"),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([t, key, kind]) => damageShape(t, key, kind)),
  // Deep nesting, built as text so nothing recursive is needed to make it.
  fc
    .tuple(
      seedText,
      fc.constantFrom("input", "filter", "target", "bias", "stride", "name", "expected"),
      fc.oneof(fc.integer({ min: 5, max: 64 }), fc.constantFrom(10_000, 100_000)),
    )
    .map(([t, key, depth]) => {
      const doc = JSON.parse(t);
      doc[key] = "@@";
      return JSON.stringify(doc).replace('"@@"', `${"[".repeat(depth)}1${"]".repeat(depth)}`);
    }),
  // Huge padding: in the convolution, or as whitespace around the document.
  fc
    .tuple(
      seedText,
      fc.constantFrom("padding", "stride", "dilation", "groups"),
      fc.constantFrom(1e6, 2 ** 31, 2 ** 52, 1e20, 4097, 2047, [2047, 0], [0, 0, 2 ** 40, 1]),
    )
    .map(([t, key, value]) => setValue(t, key, value, 0)),
  fc
    .tuple(seedText, fc.integer({ min: 1, max: 2_000_000 }))
    .map(([t, n]) => `${" ".repeat(n)}${t}\n${"\t".repeat(n % 1000)}`),
);

/** What a corrupted fixture may do: load and check, or be refused in one line. */
async function loadAndCheck(text: string): Promise<void> {
  try {
    await runCheck(parseFixture(text));
  } catch (error) {
    const ok = error instanceof InputError || error instanceof RangeError;
    if (!ok) throw new Error(`unexpected ${String(error)}`);
    const message = error.message;
    expect(message.length).toBeGreaterThan(0);
    expect(message, "one line").not.toMatch(/[\r\n\u2028\u2029]/);
    expect(message).not.toMatch(
      /Maximum call stack|Invalid (typed )?array length|allocation failed/,
    );
    if (error instanceof InputError) expect(error.path).not.toMatch(/[\r\n]/);
  }
}

describe("fuzzing parseFixture and runCheck in-process", () => {
  it("2000 corrupted fixtures: each loads and checks or is refused in one line", async () => {
    await fc.assert(fc.asyncProperty(corrupted, loadAndCheck), { numRuns: 2000, seed: 20250105 });
  });

  it("a fresh random sample of 300, so the suite does not only ever see one seed", async () => {
    await fc.assert(fc.asyncProperty(corrupted, loadAndCheck), { numRuns: 300 });
  });
});

describe("fuzzing the built command line", () => {
  const [dir, cleanup] = tempDir("convcheck-fuzz-");
  afterAll(cleanup);

  it("30 corrupted fixtures: exit 0, 1 or 2 and never a stack trace", async () => {
    const texts = fc.sample(corrupted, { numRuns: 30, seed: 7 });
    const files = texts.map((text, i) => {
      const file = join(dir, `case-${i}.json`);
      writeFileSync(file, text);
      return file;
    });
    // Two at a time: the machine has two cores.
    for (let i = 0; i < files.length; i += 2) {
      const runs = await Promise.all(files.slice(i, i + 2).map((f) => runCli(["grad", f])));
      for (const [k, run] of runs.entries()) {
        const what = `${files[i + k]}: ${run.stderr}`;
        expect([0, 1, 2], what).toContain(run.code);
        expect(run.stderr, what).not.toMatch(STACK_LINE);
        expect(run.stderr, what).not.toMatch(/internal error/);
      }
    }
    const folder = await runCli(["grad", dir, "--json"]);
    expect([1, 2]).toContain(folder.code);
    expect(JSON.parse(folder.stdout).summary.total).toBe(30);

    // update over the same folder: a fixture it refuses stays byte for byte
    // what it was; one it writes loads again.
    const updated = await runCli(["update", dir]);
    expect([0, 1, 2]).toContain(updated.code);
    expect(updated.stderr).not.toMatch(STACK_LINE);
    let written = 0;
    files.forEach((file, i) => {
      const text = readFileSync(file, "utf8");
      const wrote = updated.stdout.includes(`updated    ${file}:`);
      if (wrote) written++;
      if (wrote) expect(() => parseFixture(text), file).not.toThrow();
      else expect(text, file).toBe(texts[i]);
    });
    // The sample is fixed (seed 7): some of its fixtures survive corruption.
    expect(written).toBeGreaterThan(0);
  }, 120_000);
});
