import type { ChalkInstance } from "chalk";
import type { CheckResult, TensorCheck } from "../../core/check.js";
import { err, num } from "../format.js";

/** How the cells were chosen, with the seed that repeats the run. */
export function scaleLines(result: CheckResult, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (result.fast) {
    lines.push(
      `  ${c.dim("check")}     fast: ${result.fast.directions} random directions per tensor, cells only where one fails  seed ${result.fast.seed}`,
    );
  }
  if (result.sample) {
    lines.push(
      `  ${c.dim("sample")}    ${result.sample.count} cells per tensor: corners, cells next to padding, then any  seed ${result.sample.seed}`,
    );
  }
  return lines;
}

/** The tensor's headline when only directions were checked, or null. */
export function directionsOnly(g: TensorCheck): string | null {
  if (!g.directions || g.comparison.checked > 0) return null;
  const worst = Math.max(...g.directions.map((d) => d.relError));
  return `${g.directions.length} directions agree, worst rel error ${err(worst)}  (no cells checked, step ${num(g.step, 3)})`;
}

/** The directions of --fast, listed when one of them disagreed. */
export function directionLines(g: TensorCheck, c: ChalkInstance): string[] {
  if (!g.directions || g.directions.every((d) => d.pass)) return [];
  const lines = [
    `    ${c.dim("directions")}  ${g.directions.filter((d) => !d.pass).length} of ${g.directions.length} disagree, so every cell was checked:`,
  ];
  for (const d of g.directions) {
    const mark = d.pass ? "" : `  ${c.red("fails")}`;
    lines.push(
      `      analytic . d ${num(d.analytic)}  numerical ${num(d.numerical)}  rel error ${err(d.relError)}${mark}`,
    );
  }
  return lines;
}
