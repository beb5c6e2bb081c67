import { num } from "../cli/format.js";
import { axisFor, lineChart } from "./charts.js";
import { escapeHtml } from "./escape.js";

/**
 * Parts of a fixture's section beyond the heatmaps: the eps sweep and the
 * diagnoses of a person's implementation.
 */

const TITLES: Record<string, string> = {
  filter: "dE/dFilter",
  input: "dE/dInput",
  bias: "dE/dBias",
  output: "output",
};
const COLOURS = ["#0b5cd5", "#d2783f", "#1a7f37", "#7c3aed"];

export interface SweepView {
  eps: number[];
  series: Array<{ tensor: string; errors: number[]; message: string; kind: string }>;
}

/** Error against step, log-log, one line per tensor, with what each curve says. */
export function sweepSection(sweep: SweepView, rtol: number): string {
  const errors = sweep.series.flatMap((s) => s.errors).filter((e) => e > 0);
  const chart = lineChart({
    title: "eps sweep: worst |a − n| / largest |a| against the step",
    x: axisFor(sweep.eps),
    y: axisFor([...errors, rtol]),
    xLabel: "eps (relative step)",
    series: sweep.series.map((s, k) => ({
      label: TITLES[s.tensor] ?? s.tensor,
      points: sweep.eps.map((eps, i): [number, number] => [eps, s.errors[i]]),
      colour: COLOURS[k % COLOURS.length],
    })),
    guides: [{ y: rtol, label: `rtol ${num(rtol, 2)}` }],
    kind: "sweep",
  });
  const readings = sweep.series
    .map(
      (s) =>
        `<li class="${s.kind === "flat" ? "bad" : ""}"><strong>${escapeHtml(TITLES[s.tensor] ?? s.tensor)}</strong>: ${escapeHtml(s.message)}</li>`,
    )
    .join("");
  return `<div class="charts">${chart}<ul class="readings">${readings}</ul></div>`;
}

export interface DiagnosisView {
  code: string;
  tensor: string;
  message: string;
}

/** Small tags naming the diagnoses that concern one tensor, each with its message as a tooltip. */
export function diagnosisTags(diagnoses: DiagnosisView[]): string {
  if (!diagnoses.length) return "";
  const tags = diagnoses.map(
    (d) => `<span class="tag" title="${escapeHtml(d.message)}">${escapeHtml(d.code)}</span>`,
  );
  return `<p class="tags">diagnosis: ${tags.join(" ")}</p>`;
}

/** The likely mistakes in words, and what this fixture cannot tell apart. */
export function diagnosesSection(
  diagnoses: DiagnosisView[],
  blindSpots: DiagnosisView[] = [],
): string {
  const item = (d: DiagnosisView) =>
    `<li data-code="${escapeHtml(d.code)}"><code>${escapeHtml(d.code)}</code> <span class="on">${escapeHtml(TITLES[d.tensor] ?? d.tensor)}</span> ${escapeHtml(d.message)}</li>`;
  const parts: string[] = [];
  if (diagnoses.length) {
    parts.push(`<h3>Diagnosis</h3><ul class="diagnoses">${diagnoses.map(item).join("")}</ul>`);
  }
  if (blindSpots.length) {
    parts.push(
      `<h4>What this fixture cannot tell</h4><ul class="diagnoses blind">${blindSpots.map(item).join("")}</ul>`,
    );
  }
  return parts.join("");
}
