import type { ChalkInstance } from "chalk";
import type { CheckResult, TensorCheck } from "../../core/check.js";
import type { Comparison } from "../../core/compare.js";
import type { Diagnosis } from "../../core/diagnose/types.js";
import { unravel } from "../../core/tensor.js";
import type { ImplCheckResult } from "../../impl/check.js";
import { err, index, shape } from "../format.js";
import type { Outcome } from "../outcome.js";

/** Draws a tensor's cells side by side under three headings (text.ts's grid). */
export type SliceRenderer = (g: TensorCheck, c: ChalkInstance, heading: string[]) => string[];

const TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

/** Codes that say what disagrees, as opposed to why. */
const FINDINGS = new Set(["forward-mismatch", "gradient-mismatch"]);

export function implOf(result: CheckResult): ImplCheckResult["impl"] | null {
  return (result as Partial<ImplCheckResult>).impl ?? null;
}

/** The diagnoses of one tensor ("output" for the forward), as `code: message` lines. */
export function diagnosesOf(result: CheckResult, tensor: string): string[] {
  const impl = implOf(result);
  if (!impl) return [];
  return impl.diagnoses.filter((d) => d.tensor === tensor).map((d) => `${d.code}: ${d.message}`);
}

function base(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function diagnosisLines(diagnoses: Diagnosis[], c: ChalkInstance): string[] {
  if (!diagnoses.length) return [];
  const lines = [`  ${c.bold("diagnosis")}`];
  for (const d of diagnoses) {
    const code = FINDINGS.has(d.code) ? c.red(d.code) : c.yellow.bold(d.code);
    lines.push(`    ${code}  ${d.message}`);
  }
  return lines;
}

/** Failing parts of an --impl result that the reference run does not have, for the verdict line. */
export function implReasons(result: CheckResult): string[] {
  const impl = implOf(result);
  if (!impl) return [];
  const parts: string[] = [];
  const fwd = impl.forward?.comparison;
  if (fwd && !fwd.pass) parts.push(`output ${fwd.failing.length} of ${fwd.checked} cells`);
  for (const g of result.gradients) {
    const ref = impl.references[g.name]?.comparison;
    if (g.comparison.pass && ref && !ref.pass) {
      parts.push(
        `${TITLE[g.name]} against convcheck's backward ${ref.failing.length} of ${ref.checked} cells`,
      );
    }
  }
  return parts;
}

/** Under an error: the likely mistakes behind it (a wrong shape names its cause). */
export function implErrorLines(outcome: Outcome, c: ChalkInstance): string[] {
  return diagnosisLines(
    (outcome.diagnoses ?? []).filter((d) => d.code !== "shape"),
    c,
  );
}

function pseudoCheck(
  name: TensorCheck["name"],
  shapeOf: number[],
  mine: Float64Array,
  theirs: Float64Array,
  comparison: Comparison,
): TensorCheck {
  return {
    name,
    shape: shapeOf,
    step: 0,
    analytic: mine,
    numerical: theirs,
    cells: null,
    comparison,
    kinks: new Map(),
    roundingExplained: false,
  };
}

const MAX_CELLS = 144;

/** The implementation line, the diagnosis and the forward comparison, above the gradients. */
export function implLines(
  result: CheckResult,
  c: ChalkInstance,
  full: boolean,
  render: SliceRenderer,
): string[] {
  const impl = implOf(result);
  if (!impl) return [];
  const has = [impl.exports.forward ? "forward" : "", impl.exports.backward ? "backward" : ""];
  const calls = impl.forwardCalls
    ? `; the numerical check called your forward ${impl.forwardCalls} times`
    : "";
  const lines = [
    `  ${c.dim("yours")}     ${base(impl.file)}: ${has.filter(Boolean).join(" and ")}${calls}`,
  ];
  if (impl.missing.length) {
    const names = impl.missing.map((n) => TITLE[n]).join(", ");
    lines.push(`  ${c.yellow("warning")}   backward returned no ${names}: not checked`);
  }
  lines.push(...diagnosisLines(impl.diagnoses, c));
  const fwd = impl.forward;
  if (fwd) {
    const cmp = fwd.comparison;
    const status = cmp.pass ? c.green("pass") : c.red.bold("FAIL");
    const worst =
      cmp.worst >= 0
        ? `worst ${index(unravel(cmp.worst, result.geo.outputShape))} rel error ${err(cmp.relError[cmp.worst])}`
        : "";
    const failing = cmp.failing.length ? c.red(`, ${cmp.failing.length} failing`) : "";
    lines.push(
      "",
      `  ${c.bold("output")} ${shape(result.geo.outputShape)}  ${status}  ${worst}  (your forward against convcheck's${failing})`,
    );
    if (!cmp.pass && (full || fwd.output.length <= MAX_CELLS)) {
      const g = pseudoCheck("filter", result.geo.outputShape, fwd.output, fwd.reference, cmp);
      lines.push(...render(g, c, ["yours", "convcheck", "rel error"]));
    }
  }
  return lines;
}

/** Under a gradient's own section: the comparison with convcheck's backward for the same gradOutput. */
export function implReferenceLines(
  result: CheckResult,
  g: TensorCheck,
  c: ChalkInstance,
  full: boolean,
  render: SliceRenderer,
): string[] {
  const ref = implOf(result)?.references[g.name];
  if (!ref) return [];
  const cmp = ref.comparison;
  const status = cmp.pass ? c.green("pass") : c.red.bold("FAIL");
  const worst =
    cmp.worst >= 0
      ? `worst ${index(unravel(cmp.worst, g.shape))} rel error ${err(cmp.relError[cmp.worst])}`
      : "";
  const lines = [
    `    ${c.dim("against convcheck's backward for the same gradOutput:")} ${status}  ${worst}`,
  ];
  if (!cmp.pass && (full || g.analytic.length <= MAX_CELLS)) {
    const pseudo = pseudoCheck(g.name, g.shape, g.analytic, ref.values, cmp);
    lines.push(...render(pseudo, c, ["yours", "convcheck", "rel error"]));
  }
  return lines;
}

/** After a pass: the mistakes this fixture could not have shown, and which fixture would. */
export function implTail(result: CheckResult, c: ChalkInstance): string[] {
  const impl = implOf(result);
  if (!impl || !result.pass || !impl.blindSpots.length) return [];
  return [
    "",
    `  ${c.dim("not visible on this fixture:")}`,
    ...impl.blindSpots.map((b) => `    ${c.dim(`${b.code}: ${b.message}`)}`),
  ];
}
