import { basename } from "node:path";
import type { CheckResult, TensorCheck } from "../core/check.js";
import type { Comparison } from "../core/compare.js";
import type { Diagnosis } from "../core/diagnose/types.js";
import type { ImplCheckResult, ImplReport } from "../impl/check.js";
import { escapeHtml } from "./escape.js";
import { diagnosesSection } from "./extras.js";
import { tensorData } from "./model.js";
import type { TensorData } from "./types.js";

/** The parts of the page that only an `--impl` run has. */

const TITLES = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

export function implOf(result: CheckResult): ImplReport | null {
  return (result as Partial<ImplCheckResult>).impl ?? null;
}

/** A comparison drawn like a gradient check: the person's values first, convcheck's second. */
export interface ExtraMap {
  check: TensorCheck;
  data: TensorData;
  /** Shown under the heading. */
  lede: string;
}

function pseudo(
  name: TensorCheck["name"],
  shape: number[],
  yours: Float64Array,
  theirs: Float64Array,
  comparison: Comparison,
): TensorCheck {
  return {
    name,
    shape,
    step: 0,
    analytic: yours,
    numerical: theirs,
    cells: null,
    comparison,
    kinks: new Map(),
    roundingExplained: false,
  };
}

/**
 * The failing extra comparisons of an `--impl` run, as heatmaps: the
 * person's forward against convcheck's, and each gradient against
 * convcheck's backward applied to the same gradOutput.
 */
export function implMaps(result: CheckResult): ExtraMap[] {
  const impl = implOf(result);
  if (!impl) return [];
  const maps: ExtraMap[] = [];
  const fwd = impl.forward;
  if (fwd && !fwd.comparison.pass) {
    const check = pseudo(
      "filter",
      result.geo.outputShape,
      fwd.output,
      fwd.reference,
      fwd.comparison,
    );
    const text = {
      key: "output",
      title: "output",
      labels: ["yours", "convcheck"] as [string, string],
    };
    maps.push({
      check,
      data: tensorData(check, { ...text, name: "output" }),
      lede: "Your forward pass against convcheck's, cell by cell.",
    });
  }
  for (const g of result.gradients) {
    const ref = impl.references[g.name];
    if (!ref || ref.comparison.pass) continue;
    const check = pseudo(g.name, g.shape, g.analytic, ref.values, ref.comparison);
    const title = `${TITLES[g.name]} against convcheck's backward`;
    maps.push({
      check,
      data: tensorData(check, {
        key: `${g.name}-reference`,
        title,
        labels: ["yours", "convcheck"],
      }),
      lede: "Your gradient against convcheck's backward pass applied to the same gradOutput: where these agree but the numerical check fails, the backward is right for a different forward.",
    });
  }
  return maps;
}

/** The implementation checked and what it lacks. */
export function implSummary(result: CheckResult): string {
  const impl = implOf(result);
  if (!impl) return "";
  const has = [impl.exports.forward ? "forward" : "", impl.exports.backward ? "backward" : ""];
  const calls = impl.forwardCalls
    ? `; the numerical check called your forward ${impl.forwardCalls} times`
    : "";
  const parts = [
    `<p class="impl">Your implementation <code>${escapeHtml(basename(impl.file))}</code>: ${has.filter(Boolean).join(" and ")}${escapeHtml(calls)}.</p>`,
  ];
  if (impl.missing.length) {
    const names = impl.missing.map((n) => TITLES[n]).join(", ");
    parts.push(`<ul class="warnings"><li>backward returned no ${names}: not checked</li></ul>`);
  }
  return parts.join("");
}

/**
 * The diagnosis in words and, after a pass, the mistakes this fixture could
 * not show: placed in the column beside the pictures, which stays in view.
 */
export function implDiagnoses(result: CheckResult): string {
  const impl = implOf(result);
  if (!impl) return "";
  return diagnosesSection(impl.diagnoses, result.pass ? impl.blindSpots : []);
}

/** The diagnoses that concern one tensor, to show beside its heatmaps. */
export function diagnosesFor(result: CheckResult, tensor: Diagnosis["tensor"]): Diagnosis[] {
  return (implOf(result)?.diagnoses ?? []).filter((d) => d.tensor === tensor);
}
