import { err, index, num, shape } from "../cli/format.js";
import type { TensorCheck } from "../core/check.js";
import { unravel } from "../core/tensor.js";
import { escapeHtml } from "./escape.js";
import { type DiagnosisView, diagnosisTags } from "./extras.js";
import { errorLegend, markLegend, valueLegend } from "./legend.js";
import { badge } from "./shell.js";
import type { TensorData } from "./types.js";

/**
 * One tensor's block of the page: its heading and verdict, notes, tags
 * naming the diagnoses about it, both legends, and the empty panels the
 * page's script fills with heatmaps.
 */

function statText(g: TensorCheck, withStep: boolean): string {
  const c = g.comparison;
  const worst =
    c.worst < 0
      ? "nothing checked"
      : `worst ${index(unravel(c.worst, g.shape))}, rel error ${err(c.relError[c.worst])}`;
  const counted =
    g.cells === null ? `${c.checked} cells` : `${c.checked} of ${g.analytic.length} cells sampled`;
  const failing = c.failing.length ? `, ${c.failing.length} failing` : "";
  const kinks = g.kinks.size ? ` · ${g.kinks.size} kinks` : "";
  return `${worst} · ${counted}${failing}${kinks}${withStep ? ` · step ${num(g.step, 3)}` : ""}`;
}

function notesOf(g: TensorCheck): string[] {
  const notes: string[] = [];
  if (g.kinks.size) {
    notes.push(
      `${g.kinks.size} cell${g.kinks.size > 1 ? "s" : ""} where the step crosses a kink (the loss is not differentiable there), judged against the one-sided derivatives instead of the central difference.`,
    );
  }
  if (g.roundingExplained) {
    notes.push(
      "A ten times larger step shrinks the disagreement: it is rounding error of the numerical gradient, not a bug (try a larger --eps, or --eps-sweep).",
    );
  }
  return notes;
}

export function tensorBlock(
  g: TensorCheck,
  data: TensorData,
  rtol: number,
  options: { id: string; diagnoses?: DiagnosisView[]; withStep?: boolean; lede?: string },
): string {
  const pass = g.comparison.pass;
  const notes = notesOf(g);
  const noteList = notes.length
    ? `<ul class="warnings">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`
    : "";
  const lede = options.lede ? `<p class="lede">${escapeHtml(options.lede)}</p>` : "";
  const beside = diagnosisTags(options.diagnoses ?? []);
  const [first] = data.slices;
  const omitted = data.omittedSlices
    ? `<p class="omitted">${data.omittedSlices} more slices not drawn (the page draws at most ${data.slices.length}); --json has every cell.</p>`
    : "";
  const thinned =
    first?.block > 1
      ? `<p class="omitted">Each drawn cell stands for a ${first.block}×${first.block} block and shows its worst cell.</p>`
      : "";
  const legends = [
    `<span class="legend" data-scale="value">${escapeHtml(data.labels.join(", "))} ${valueLegend(`${options.id}-v`, data.vmax)}</span>`,
    `<span class="legend" data-scale="error">relative error ${errorLegend(`${options.id}-e`, rtol)}</span>`,
    `<span class="legend marks-key">${markLegend(g.kinks.size > 0)}</span>`,
  ];
  return `<div class="tensor" data-tensor="${escapeHtml(data.key)}">
<h3>${escapeHtml(data.title)} <span class="mono">${shape(g.shape)}</span> ${badge(pass ? "pass" : "fail")} <span class="stat">${statText(g, options.withStep ?? true)}</span></h3>${lede}${noteList}${beside}
<div class="legends">${legends.join("")}</div>
<div class="panels"></div>${omitted}${thinned}
</div>`;
}
