import { type CheckResult, runCheck } from "../core/check.js";
import { compare } from "../core/compare.js";
import { InputError } from "../core/errors.js";
import { toNested } from "../core/tensor.js";
import { type Fixture, loadFixture } from "../fixture/load.js";
import { writeFileAtomic, writeProblem } from "./atomic.js";
import { TENSOR_TITLE } from "./baseline.js";
import { collectFixtures } from "./files.js";
import { printable } from "./format.js";

export interface UpdateOptions {
  check?: boolean;
}

type Verdict = "updated" | "unchanged" | "stale" | "refused" | "invalid";

/** The stored keys in the order a new expected block lists them. */
const EXPECTED_KEYS = ["output", "loss", "filterGrad", "inputGrad", "biasGrad"] as const;
type ExpectedKey = (typeof EXPECTED_KEYS)[number];

const GRADIENT_KEY = { filter: "filterGrad", input: "inputGrad", bias: "biasGrad" } as const;

/** The expected block as the reference computation gives it. */
function freshValues(result: CheckResult): Partial<Record<ExpectedKey, unknown>> {
  const values: Partial<Record<ExpectedKey, unknown>> = {
    output: toNested(result.output, result.geo.outputShape),
    loss: result.loss,
  };
  for (const g of result.gradients) values[GRADIENT_KEY[g.name]] = toNested(g.analytic, g.shape);
  return values;
}

/**
 * What update would write: stored values that fail the pass rule against
 * the reference (stale), and keys not stored at all (missing). Values
 * within the rule are current, so a file computed elsewhere (PyTorch) is
 * not called stale for differing in the last digits.
 */
function changes(fixture: Fixture, result: CheckResult) {
  const stored = fixture.expected;
  const stale: ExpectedKey[] = [];
  const missing: ExpectedKey[] = [];
  const fresh: Record<ExpectedKey, ArrayLike<number> | undefined> = {
    output: result.output,
    loss: Float64Array.of(result.loss),
    filterGrad: undefined,
    inputGrad: undefined,
    biasGrad: undefined,
  };
  for (const g of result.gradients) fresh[GRADIENT_KEY[g.name]] = g.analytic;
  for (const key of EXPECTED_KEYS) {
    const now = fresh[key];
    if (now === undefined) continue;
    const was = key === "loss" ? stored.loss : stored[key]?.data;
    const kept = typeof was === "number" ? Float64Array.of(was) : was;
    if (kept === undefined) missing.push(key);
    else if (!compare(now, kept, result.rule).pass) stale.push(key);
  }
  const write = EXPECTED_KEYS.filter((key) => stale.includes(key) || missing.includes(key));
  return { stale, missing, write };
}

const listed = (keys: ExpectedKey[]) => `expected ${keys.join(", ")}`;

/** `--check`: stale stored values fail; values never stored are only mentioned. */
function checkVerdict(
  stale: ExpectedKey[],
  missing: ExpectedKey[],
  stored: number,
): [Verdict, string] {
  const absent = missing.length ? `; update would add ${listed(missing)}` : "";
  if (stale.length) {
    const verb = stale.length === 1 ? "is" : "are";
    return ["stale", `${listed(stale)} ${verb} stale (outside the pass rule)${absent}`];
  }
  return ["unchanged", `${stored ? "stored values are current" : "nothing stored"}${absent}`];
}

/**
 * The document with the `write` values of its expected block replaced, every
 * other key and value left where it was; keys not yet stored join at the end.
 */
function withExpected(
  doc: Record<string, unknown>,
  fresh: Partial<Record<ExpectedKey, unknown>>,
  write: ExpectedKey[],
): Record<string, unknown> {
  const old = (doc.expected ?? {}) as Record<string, unknown>;
  const block: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(old)) {
    block[key] = write.includes(key as ExpectedKey) ? fresh[key as ExpectedKey] : value;
  }
  for (const key of write) if (!(key in block)) block[key] = fresh[key];
  return { ...doc, expected: block };
}

/** The project's JSON formatting: two-space indent, a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function updateOne(file: string, options: UpdateOptions): Promise<[Verdict, string]> {
  let fixture: Fixture;
  let result: CheckResult;
  try {
    fixture = loadFixture(file);
    result = await runCheck(fixture);
  } catch (error) {
    if (error instanceof InputError) {
      return ["invalid", error.path ? `${error.path}: ${error.message}` : error.message];
    }
    if (error instanceof RangeError) return ["invalid", error.message];
    throw error;
  }
  const disagree = result.gradients.filter((g) => !g.comparison.pass);
  if (disagree.length) {
    const which = disagree
      .map(
        (g) =>
          `${TENSOR_TITLE[g.name]} ${g.comparison.failing.length} of ${g.comparison.checked} cells`,
      )
      .join(", ");
    return ["refused", `analytic and numerical gradients disagree (${which}); nothing written`];
  }
  const { stale, missing, write } = changes(fixture, result);
  if (options.check) {
    const stored = Object.keys((fixture.raw.expected ?? {}) as object).length;
    return checkVerdict(stale, missing, stored);
  }
  if (write.length === 0) return ["unchanged", "expected values are current"];
  const next = formatJson(withExpected(fixture.raw, freshValues(result), write));
  try {
    writeFileAtomic(file, next);
  } catch (error) {
    return ["invalid", `cannot write: ${writeProblem(error)}`];
  }
  return ["updated", `wrote ${listed(write)}`];
}

/**
 * Fill in or refresh the expected block of each fixture from the reference
 * computation. 2 when any fixture is invalid, 1 when any was refused (or,
 * with --check, is stale), 0 otherwise.
 */
export async function updateCommand(paths: string[], options: UpdateOptions): Promise<number> {
  const entries = collectFixtures(paths, []);
  if (entries.length === 0) {
    process.stderr.write(`convcheck: no fixtures (*.json) found in ${paths.join(", ")}\n`);
    return 2;
  }
  const counts = new Map<Verdict, number>();
  const lines: string[] = [];
  for (const entry of entries) {
    const [verdict, detail] = entry.problem
      ? (["invalid", entry.problem] as const)
      : await updateOne(entry.file, options);
    counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
    const line = `${verdict.padEnd(9)}  ${entry.file}: ${detail}`;
    if (verdict === "invalid")
      process.stderr.write(`convcheck: error: ${printable(`${entry.file}: ${detail}`)}\n`);
    else lines.push(line);
  }
  const tally = [...counts].map(([verdict, count]) => `${count} ${verdict}`).join(", ");
  const total = `${entries.length} fixture${entries.length === 1 ? "" : "s"}`;
  process.stdout.write(
    [`${options.check ? "check" : "update"}: ${tally} (${total})`, ...lines, ""].join("\n"),
  );
  if (counts.has("invalid")) return 2;
  return counts.has("refused") || counts.has("stale") ? 1 : 0;
}
