import type { ChalkInstance } from "chalk";
import type { CheckResult, TensorCheck } from "../../core/check.js";
import type { Sweep } from "../../core/sweep.js";
import { unravel } from "../../core/tensor.js";
import { err, index, num } from "../format.js";

const TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

/** The activation and loss, and the precision, when they differ from the plain setting. */
export function headFacts(result: CheckResult): Array<[string, string]> {
  const { activation, loss } = result.head;
  const facts: Array<[string, string]> = [];
  if (activation.name !== "none" || loss.name !== "mse") {
    const act =
      activation.name === "leaky_relu"
        ? `leaky_relu (slope ${activation.slope})`
        : activation.name === "none"
          ? "no activation"
          : activation.name;
    facts.push(["head", `${act}, then loss ${loss.name}`]);
  }
  if (result.precision === "float32") {
    facts.push([
      "precision",
      "float32: every operation of the reference rounded to single precision",
    ]);
  }
  return facts;
}

/** headFacts as report lines, labels aligned with the report's other facts. */
export function headLines(result: CheckResult, c: ChalkInstance): string[] {
  return headFacts(result).map(
    ([label, text]) => `  ${c.dim(label)}${" ".repeat(9 - label.length)} ${text}`,
  );
}

/** Kinks and rounding, under a tensor's heading. */
export function tensorNotes(g: TensorCheck, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (g.kinks.size) {
    const cells = [...g.kinks.keys()].slice(0, 6).map((cell) => index(unravel(cell, g.shape)));
    const more = g.kinks.size > 6 ? `, … (${g.kinks.size} in all)` : "";
    lines.push(
      `    ${c.cyan("kinks")} ${cells.join(", ")}${more}: the step crosses a point where the loss is not differentiable, so these cells (marked k) are judged against the one-sided derivatives, not the central difference`,
    );
    const [cell, sides] = [...g.kinks.entries()][0];
    lines.push(
      `      e.g. ${index(unravel(cell, g.shape))}: analytic ${num(g.analytic[cell])}, left ${num(sides.left)}, right ${num(sides.right)}, central ${num(g.numerical[cell])}`,
    );
  }
  if (g.roundingExplained) {
    lines.push(
      `    ${c.yellow("rounding")} a ten times larger step shrinks the disagreement: it is rounding error of the numerical gradient, not a bug (try a larger --eps, or --eps-sweep)`,
    );
  }
  return lines;
}

/** The --eps-sweep table: error against step for each tensor, and what the curve says. */
export function sweepLines(sweep: Sweep, c: ChalkInstance): string[] {
  const names = sweep.series.map((s) => TITLE[s.tensor]);
  const header = ["eps", ...names];
  const rows = sweep.eps.map((eps, i) => [
    String(eps),
    ...sweep.series.map((s) => err(s.errors[i])),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((cell, j) => cell.padStart(widths[j])).join("   ");
  const lines = [
    "",
    `  ${c.bold("eps sweep")} ${c.dim("worst |analytic - numerical| over the largest |analytic|, per step")}`,
    `    ${c.dim(line(header))}`,
    ...rows.map((r) => `    ${line(r)}`),
  ];
  for (const s of sweep.series) {
    const colour = s.kind === "flat" ? c.red : c.green;
    lines.push(`    ${colour(TITLE[s.tensor])}: ${s.message}`);
  }
  return lines;
}
