import { readFileSync } from "node:fs";
import type { TensorCheck } from "../core/check.js";
import { InputError } from "../core/errors.js";
import type { TensorName } from "../core/numerical.js";
import { describeValue } from "../fixture/values.js";
import { err } from "./format.js";
import type { Outcome } from "./outcome.js";

export const DEFAULT_BASELINE_FACTOR = 10;

export const TENSOR_TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

type Worst = Partial<Record<TensorName, number>>;

/** Worst relative error per tensor of every fixture an earlier `--json` report checked. */
export interface Baseline {
  byFile: Map<string, Worst>;
  byName: Map<string, Worst | null>;
}

/** One tensor whose worst error grew past the factor and past atol. */
export interface Regression {
  tensor: TensorName;
  before: number;
  now: number;
  absError: number;
  atol: number;
  factor: number;
}

function worstOf(gradients: unknown, where: string): Worst {
  const worst: Worst = {};
  if (gradients === null || typeof gradients !== "object") return worst;
  for (const tensor of ["filter", "input", "bias"] as const) {
    const entry = (gradients as Record<string, unknown>)[tensor];
    if (entry === undefined || entry === null) continue;
    const value = (entry as Record<string, unknown>).maxRelError;
    // null is how JSON writes NaN: a tensor that could not be compared has no baseline.
    if (value === null) continue;
    if (typeof value !== "number" || value < 0) {
      throw new InputError(
        `${where}.gradients.${tensor}.maxRelError`,
        `found ${describeValue(value)}; expected a non-negative number`,
      );
    }
    worst[tensor] = value;
  }
  return worst;
}

/** Read an earlier `convcheck grad --json` report; anything else is an InputError. */
export function parseBaseline(text: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError("", "not valid JSON; expected the output of convcheck grad --json");
  }
  const results = (doc as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    throw new InputError("results", "missing; expected the output of convcheck grad --json");
  }
  const baseline: Baseline = { byFile: new Map(), byName: new Map() };
  results.forEach((result: unknown, i) => {
    const where = `results[${i}]`;
    const entry = (result ?? {}) as Record<string, unknown>;
    if (typeof entry.file !== "string") {
      throw new InputError(
        `${where}.file`,
        `found ${describeValue(entry.file)}; expected a string`,
      );
    }
    if (entry.status === "error") return;
    const worst = worstOf(entry.gradients, where);
    baseline.byFile.set(entry.file, worst);
    if (typeof entry.name === "string") {
      // A name shared by two fixtures identifies neither.
      baseline.byName.set(entry.name, baseline.byName.has(entry.name) ? null : worst);
    }
  });
  return baseline;
}

export function loadBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError("", code === "ENOENT" ? "no such file" : `cannot be read (${code})`);
  }
  return parseBaseline(text);
}

/** The largest |analytic - numerical| over the checked cells. */
function largestAbsError(g: TensorCheck): number {
  let largest = 0;
  for (let i = 0; i < g.analytic.length; i++) {
    const gap = Math.abs(g.analytic[i] - g.numerical[i]);
    if (gap > largest) largest = gap;
  }
  return largest;
}

/** The baseline's worst errors for a fixture: by file, else by a name only it has. */
function recordFor(outcome: Outcome, baseline: Baseline): Worst | undefined {
  const name = outcome.fixture?.name;
  return (
    baseline.byFile.get(outcome.file) ??
    (name ? (baseline.byName.get(name) ?? undefined) : undefined)
  );
}

/**
 * A tensor regressed when its worst relative error is more than `factor`
 * times the baseline's and its largest absolute error also exceeds the
 * rule's atol. The second condition keeps rounding noise from counting: a
 * baseline of exactly 0 would otherwise make any last-bit change a failure.
 */
export function findRegressions(outcome: Outcome, baseline: Baseline, factor: number) {
  const result = outcome.result;
  const before = recordFor(outcome, baseline);
  if (!result || !before) return [];
  const regressions: Regression[] = [];
  for (const g of result.gradients) {
    const was = before[g.name];
    const now = g.comparison.maxRelError;
    if (was === undefined || !(now > factor * was)) continue;
    const absError = largestAbsError(g);
    if (absError > result.rule.atol) {
      regressions.push({
        tensor: g.name,
        before: was,
        now,
        absError,
        atol: result.rule.atol,
        factor,
      });
    }
  }
  return regressions;
}

/**
 * Mark regressed fixtures as failed. Returns the checked fixtures the
 * baseline does not know (new ones, or renamed), which were not compared.
 */
export function applyBaseline(outcomes: Outcome[], baseline: Baseline, factor: number): string[] {
  const unknown: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.result && !recordFor(outcome, baseline)) unknown.push(outcome.file);
    const regressions = findRegressions(outcome, baseline, factor);
    if (regressions.length === 0) continue;
    outcome.regressions = regressions;
    if (outcome.status === "pass") outcome.status = "fail";
  }
  return unknown;
}

export function describeRegression(r: Regression): string {
  const growth = r.before > 0 ? `x${(r.now / r.before).toPrecision(3)}` : "from 0";
  return `${TENSOR_TITLE[r.tensor]} worst rel error ${err(r.now)}, baseline ${err(r.before)} (${growth}, limit x${r.factor}); |a - n| ${err(r.absError)} exceeds atol ${err(r.atol)}`;
}
