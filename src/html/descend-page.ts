import { basename } from "node:path";
import { num } from "../cli/format.js";
import { axisFor, lineChart } from "./charts.js";
import { escapeHtml } from "./escape.js";
import { badge, documentOf } from "./shell.js";

/** The page for `convcheck descend --html`: the loss per step and the rate against its limit. */

const COLOURS = ["#0b5cd5"];

export type DescendVerdict = "converges" | "diverges-lr" | "rises-inconsistent-gradient";

export interface DescendView {
  /** The loss before the first step and after each finite step. */
  losses: number[];
  lr: number;
  /** 2 / largest Hessian eigenvalue: the largest stable rate. */
  lrMax: number;
  verdict: DescendVerdict;
  /** The first step that raised the loss by more than rounding, or -1. */
  firstRise?: number;
  /** The step at which the loss stopped being a finite number, if it did. */
  overflowAt?: number | null;
  /** Whose gradients were followed, e.g. "convcheck's backward pass". */
  gradients?: string;
}

const VERDICT_WORDS: Record<DescendVerdict, string> = {
  converges: "converges: the loss falls at every step",
  "diverges-lr":
    "diverges: the rate is at or above the stable limit, where even correct gradients blow up",
  "rises-inconsistent-gradient":
    "the loss rises although the rate is stable: the gradient does not belong to the forward pass",
};

/** The loss per step, on a log scale when it spans two decades or more; a rise is marked. */
export function lossChart(losses: number[], firstRise = -1): string {
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
    marks:
      firstRise > 0
        ? [{ x: firstRise, y: losses[firstRise], label: `rises at step ${firstRise}` }]
        : [],
    kind: "loss",
  });
}

/**
 * The rate used on a number line against the stable limit, the unstable side
 * shaded. The line is logarithmic when one is more than 8 times the other,
 * so both stay readable.
 */
export function rateChart(lr: number, lrMax: number): string {
  const width = 440;
  const left = 20;
  const right = width - 20;
  const finiteLimit = Number.isFinite(lrMax) && lrMax > 0;
  const low = finiteLimit ? Math.min(lr, lrMax) : lr;
  const high = finiteLimit ? Math.max(lr, lrMax) : lr;
  const log = high / low > 8;
  const start = log ? low / 3 : 0;
  const end = log ? high * 3 : high * 1.4 || 1;
  const at = (v: number) =>
    log
      ? (Math.log(v) - Math.log(start)) / (Math.log(end) - Math.log(start))
      : (Math.min(v, end) - start) / (end - start);
  const x = (v: number) => left + at(v) * (right - left);
  // Labels stay inside the picture.
  const labelX = (v: number) => Math.min(right - 40, Math.max(left + 40, x(v))).toFixed(1);
  const limitX = finiteLimit ? x(lrMax) : right;
  const parts = [
    `<text x="${left}" y="14" class="title">learning rate against the stable limit 2 / λmax${log ? " (log scale)" : ""}</text>`,
    `<rect x="${left}" y="40" width="${(limitX - left).toFixed(1)}" height="16" class="stable"/>`,
    finiteLimit
      ? `<rect x="${limitX.toFixed(1)}" y="40" width="${(right - limitX).toFixed(1)}" height="16" class="unstable"/>`
      : "",
    `<line x1="${left}" x2="${right}" y1="56" y2="56" class="axis"/>`,
    log ? "" : `<text x="${left}" y="72" text-anchor="start">0</text>`,
    `<line x1="${x(lr).toFixed(1)}" x2="${x(lr).toFixed(1)}" y1="30" y2="60" class="lr" data-value="${lr}"/>`,
    `<text x="${labelX(lr)}" y="27" text-anchor="middle">lr ${num(lr, 3)}${finiteLimit ? ` (${num(lr / lrMax, 2)} × limit)` : ""}</text>`,
  ];
  if (finiteLimit) {
    parts.push(
      `<line x1="${limitX.toFixed(1)}" x2="${limitX.toFixed(1)}" y1="36" y2="64" class="limit" data-value="${lrMax}"/>`,
      `<text x="${labelX(lrMax)}" y="78" text-anchor="middle">limit ${num(lrMax, 3)}</text>`,
    );
  } else {
    parts.push(
      `<text x="${right}" y="78" text-anchor="end">no finite limit: the loss is flat here</text>`,
    );
  }
  return `<svg class="chart" data-chart="rate" width="${width}" height="90" viewBox="0 0 ${width} 90" role="img">${parts.join("")}</svg>`;
}

export function descendSection(run: DescendView): string {
  const nonFinite = run.losses.findIndex((l) => !Number.isFinite(l));
  const overflow = run.overflowAt ?? (nonFinite >= 0 ? nonFinite : null);
  const note =
    overflow !== null
      ? `<p class="why">The loss overflowed at step ${overflow}; the curve stops there.</p>`
      : "";
  const whose = run.gradients ? `<p class="lede">Following ${escapeHtml(run.gradients)}.</p>` : "";
  const good = run.verdict === "converges";
  return `<div class="descend"><p class="${good ? "verdict-good" : "why"}" data-verdict="${run.verdict}">${escapeHtml(VERDICT_WORDS[run.verdict])}</p>${note}${whose}<div class="charts">${lossChart(run.losses, run.firstRise)}${rateChart(run.lr, run.lrMax)}</div></div>`;
}

/** One fixture of a `descend` run, as the page shows it. */
export interface DescendPageEntry {
  file: string;
  name?: string | null;
  /** Set when the fixture could not be run. */
  error?: string;
  run?: DescendView;
}

function section(entry: DescendPageEntry, i: number): string {
  const status = entry.run ? (entry.run.verdict === "converges" ? "pass" : "fail") : "error";
  const name = entry.name ?? basename(entry.file);
  const head = `<h2>${badge(status, entry.run?.verdict ?? "ERROR")} <span class="name">${escapeHtml(name)}</span> <span class="file">${escapeHtml(entry.file)}</span></h2>`;
  const body = entry.run
    ? descendSection(entry.run)
    : `<p class="message">${escapeHtml(entry.error ?? "could not be run")}</p>`;
  return `<section class="fixture ${status}" id="fixture-${i}" data-status="${status}">\n${head}\n${body}\n</section>`;
}

/** The page for `convcheck descend --html`: static charts, no script. */
export function renderDescendReport(entries: DescendPageEntry[], version: string): string {
  const converged = entries.filter((e) => e.run?.verdict === "converges").length;
  const errors = entries.filter((e) => !e.run).length;
  const status = errors ? "error" : converged === entries.length ? "pass" : "fail";
  const lede = `${converged} of ${entries.length} descent${entries.length === 1 ? "" : "s"} converged`;
  const body = `<h1>convcheck descend ${badge(status)}</h1>
<p class="lede">${escapeHtml(lede)}. Plain gradient descent on the filter (and bias): the loss per step, and the learning rate against the largest stable one.</p>
${entries.map(section).join("\n")}
<footer>convcheck ${escapeHtml(version)}</footer>`;
  return documentOf({ title: `convcheck descend: ${lede}`, body });
}
