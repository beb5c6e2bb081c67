import type { ChalkInstance } from "chalk";
import type { Descent, Verdict } from "../../core/descend.js";
import { num } from "../format.js";
import { lossChart } from "./chart.js";

export interface DescendReport {
  file: string;
  impl: string | null;
  lr: number;
  lrMax: number;
  /** The largest eigenvalue of the Hessian of E in the filter and bias. */
  eigenvalue: number;
  eigenIterations: number;
  /** An activation makes the Hessian change along the way: the limit is the starting point's. */
  curved: boolean;
  /** With an activation and a rising loss: the stable limit where the loss first rose. */
  lrMaxAtRise: number | null;
  /** The gradient matched the loss's slope where the loss rose (checked with an activation). */
  consistentAtRise: boolean;
  steps: number;
  descent: Descent;
  /** The first step that raised the loss by more than rounding, or -1. */
  firstRise: number;
  verdict: Verdict;
}

const TABLE_COLUMNS = 3;

/** Step and loss in a few side-by-side columns, so fifty steps fit on a screen. */
function lossTable(losses: readonly number[], rise: number, c: ChalkInstance): string[] {
  const rows = Math.ceil(losses.length / TABLE_COLUMNS);
  const stepWidth = String(losses.length - 1).length;
  const cells = losses.map((loss, step) => {
    const text = `${String(step).padStart(stepWidth)}  ${num(loss, 8).padStart(14)}`;
    return step === rise ? c.red(`${text} ↑`) : `${text}  `;
  });
  const lines = [
    `  ${c.dim(
      Array(Math.min(TABLE_COLUMNS, losses.length))
        .fill(`${"step".padStart(stepWidth)}  ${"loss".padStart(14)}  `)
        .join("    "),
    )}`.trimEnd(),
  ];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let col = 0; col < TABLE_COLUMNS; col++) {
      const i = col * rows + r;
      if (i < cells.length) row.push(cells[i]);
    }
    lines.push(`  ${row.join("    ")}`.trimEnd());
  }
  return lines;
}

function explanation(r: DescendReport): string {
  const losses = r.descent.losses;
  const rise = r.firstRise;
  const where =
    r.descent.overflowAt !== null
      ? `the loss overflowed at step ${r.descent.overflowAt}`
      : rise > 0
        ? `the loss rose at step ${rise} (${num(losses[rise - 1])} to ${num(losses[rise])})`
        : "the loss did not fall";
  if (r.verdict === "converges") {
    return `the loss fell at every step, from ${num(losses[0])} to ${num(losses[losses.length - 1])}`;
  }
  if (r.verdict === "diverges-lr" && r.consistentAtRise) {
    const local =
      r.lrMaxAtRise !== null && r.lr >= r.lrMaxAtRise
        ? `the stable limit there is ${num(r.lrMaxAtRise)}, below the rate: the activation's curvature grew along the way`
        : "the step crossed a kink or a change of curvature of the activation";
    return `${where}, with the rate ${num(r.lr)} below the stable limit ${num(r.lrMax)} at the start; the gradient agrees with the loss's slope there, so the rate is too large for this stretch, not the gradient wrong (${local}); try --lr ${num(r.lr / 2)}`;
  }
  if (r.verdict === "diverges-lr") {
    return `${where}: the rate ${num(r.lr)} is at or above the stable limit ${num(r.lrMax)}, where even correct gradients blow up; try --lr ${num(r.lrMax / 2)}`;
  }
  return `${where} although the rate ${num(r.lr)} is below the stable limit ${num(r.lrMax)}: the gradient does not belong to the forward pass (convcheck grad --impl says where)`;
}

export function descendText(r: DescendReport, c: ChalkInstance): string {
  const word = r.verdict === "converges" ? c.green.bold(r.verdict) : c.red.bold(r.verdict);
  const lines = [
    `${word}  ${r.file}`,
    `  ${explanation(r)}`,
    `  ${c.dim("gradients")} ${r.impl ? `yours (${r.impl})` : "convcheck's backward pass"}`,
    `  ${c.dim("rate")}      ${num(r.lr)}${r.lr === r.lrMax / 2 ? " (half the stable limit)" : ""}`,
    `  ${c.dim("limit")}     ${num(r.lrMax)} = 2 / ${num(r.eigenvalue)}, the largest eigenvalue of the Hessian of E in the filter and bias${r.curved ? " at the starting point" : ""} (power iteration, ${r.eigenIterations} steps)`,
    "",
    ...lossTable(r.descent.losses, r.firstRise, c),
  ];
  if (r.descent.overflowAt !== null) {
    lines.push(
      `  ${c.red(`step ${r.descent.overflowAt}: the loss is no longer a finite number; descent stopped`)}`,
    );
  }
  lines.push("", ...lossChart(r.descent.losses).map((l) => `  ${l}`));
  return `${lines.join("\n")}\n`;
}

export function descendJson(r: DescendReport): string {
  const json = {
    file: r.file,
    implementation: r.impl,
    verdict: r.verdict,
    lr: r.lr,
    lrMax: r.lrMax,
    eigenvalue: r.eigenvalue,
    steps: r.steps,
    losses: r.descent.losses,
    firstRise: r.firstRise < 0 ? null : r.firstRise,
    lrMaxAtRise: r.lrMaxAtRise,
    gradientAgreesAtRise: r.curved && r.firstRise > 0 ? r.consistentAtRise : null,
    overflowAt: r.descent.overflowAt,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
