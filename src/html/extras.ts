import { num } from "../cli/format.js";
import { axisFor, lineChart } from "./charts.js";
import { escapeHtml } from "./escape.js";

/**
 * Parts of a fixture's section beyond the heatmaps: the eps sweep, the
 * diagnoses of a person's implementation, and a gradient-descent run.
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

export type DescendVerdict = "converges" | "diverges-lr" | "rises-inconsistent-gradient";

export interface DescendView {
  /** The loss before the first step and after each step. */
  losses: number[];
  lr: number;
  /** 2 / largest Hessian eigenvalue: the largest stable rate. */
  lrMax: number;
  verdict: DescendVerdict;
}

const VERDICT_WORDS: Record<DescendVerdict, string> = {
  converges: "converges: the loss falls at every step",
  "diverges-lr":
    "diverges: the rate is at or above the stable limit, where even correct gradients blow up",
  "rises-inconsistent-gradient":
    "the loss rises although the rate is stable: the gradient does not belong to the forward pass",
};

/** The loss per step, on a log scale when it spans two decades or more. */
export function lossChart(losses: number[]): string {
  const finite = losses.filter((l) => Number.isFinite(l));
  const y = axisFor(finite);
  return lineChart({
    title: `loss per step (${y.log ? "log" : "linear"} scale)`,
    x: { min: 0, max: Math.max(1, losses.length - 1), log: false },
    y,
    xLabel: "step",
    series: [
      { label: "loss", points: losses.map((l, i): [number, number] => [i, l]), colour: COLOURS[0] },
    ],
    kind: "loss",
  });
}

/** The rate used on a number line against the stable limit, the unstable side shaded. */
export function rateChart(lr: number, lrMax: number): string {
  const width = 440;
  const left = 20;
  const right = width - 20;
  const finiteLimit = Number.isFinite(lrMax) && lrMax > 0;
  const end = Math.max(lr, finiteLimit ? lrMax : lr) * 1.4 || 1;
  const x = (v: number) => (left + (Math.min(v, end) / end) * (right - left)).toFixed(1);
  const parts = [
    `<text x="${left}" y="14" class="title">learning rate against the stable limit 2 / λmax</text>`,
    finiteLimit
      ? `<rect x="${left}" y="40" width="${Number(x(lrMax)) - left}" height="16" class="stable"/><rect x="${x(lrMax)}" y="40" width="${right - Number(x(lrMax))}" height="16" class="unstable"/>`
      : `<rect x="${left}" y="40" width="${right - left}" height="16" class="stable"/>`,
    `<line x1="${left}" x2="${right}" y1="56" y2="56" class="axis"/>`,
    `<text x="${left}" y="72" text-anchor="start">0</text>`,
    `<line x1="${x(lr)}" x2="${x(lr)}" y1="30" y2="60" class="lr" data-value="${lr}"/>`,
    `<text x="${x(lr)}" y="27" text-anchor="middle">lr ${num(lr, 3)}${finiteLimit ? ` (${num(lr / lrMax, 2)} × limit)` : ""}</text>`,
  ];
  if (finiteLimit) {
    parts.push(
      `<line x1="${x(lrMax)}" x2="${x(lrMax)}" y1="36" y2="64" class="limit" data-value="${lrMax}"/>`,
      `<text x="${x(lrMax)}" y="78" text-anchor="middle">limit ${num(lrMax, 3)}</text>`,
    );
  } else {
    parts.push(
      `<text x="${right}" y="78" text-anchor="end">no finite limit: the loss is flat here</text>`,
    );
  }
  return `<svg class="chart" data-chart="rate" width="${width}" height="90" viewBox="0 0 ${width} 90" role="img">${parts.join("")}</svg>`;
}

export function descendSection(run: DescendView): string {
  const overflow = run.losses.findIndex((l) => !Number.isFinite(l));
  const note =
    overflow >= 0
      ? `<p class="why">The loss overflowed at step ${overflow}; the curve stops there.</p>`
      : "";
  const good = run.verdict === "converges";
  return `<div class="descend"><p class="${good ? "verdict-good" : "why"}" data-verdict="${run.verdict}">${escapeHtml(VERDICT_WORDS[run.verdict])}</p>${note}<div class="charts">${lossChart(run.losses)}${rateChart(run.lr, run.lrMax)}</div></div>`;
}
