import { escapeHtml } from "./escape.js";

/**
 * Small static SVG charts for the HTML report, drawn by the server: plain
 * lines and labels, no script needed to read them.
 */

export interface Axis {
  min: number;
  max: number;
  log: boolean;
}

export interface Series {
  label: string;
  /** [x, y] points; points whose y cannot be drawn (NaN, or <= 0 on a log axis) are skipped. */
  points: Array<[number, number]>;
  colour: string;
}

const WIDTH = 440;
const HEIGHT = 230;
const MARGIN = { left: 62, right: 16, top: 42, bottom: 36 };

/** An axis over the values: log when all are positive and they span two decades or more. */
export function axisFor(values: number[], allowLog = true): Axis {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return { min: 0, max: 1, log: false };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (allowLog && min > 0 && max / min >= 100) {
    return {
      min: 10 ** Math.floor(Math.log10(min)),
      max: 10 ** Math.ceil(Math.log10(max)),
      log: true,
    };
  }
  const pad = max === min ? Math.abs(max) * 0.1 || 1 : (max - min) * 0.05;
  return { min: min - pad, max: max + pad, log: false };
}

function position(axis: Axis, value: number, from: number, to: number): number {
  const t = axis.log
    ? (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
    : (value - axis.min) / (axis.max - axis.min);
  return from + t * (to - from);
}

/** Tick values: every decade (thinned to at most 6) on a log axis, about 5 round steps on a linear one. */
export function ticksOf(axis: Axis): number[] {
  if (axis.log) {
    // Every decade, or every 2nd, 5th, 10th, … so that at most about 6 show.
    const lo = Math.round(Math.log10(axis.min));
    const hi = Math.round(Math.log10(axis.max));
    const span = Math.max(1, hi - lo);
    const every = [1, 2, 5, 10, 20, 50, 100].find((k) => span / k <= 6) ?? Math.ceil(span / 6);
    const ticks: number[] = [];
    for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) ticks.push(10 ** e);
    return ticks;
  }
  const raw = (axis.max - axis.min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(axis.min / step) * step; v <= axis.max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

/** Round tick values: 1000, 0.01, 1e-8; no float noise such as 0.30000000000000004. */
function label(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) {
    const exponent = Math.floor(Math.log10(abs));
    const mantissa = Number((value / 10 ** exponent).toPrecision(3));
    return `${mantissa}e${exponent}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** A line chart of several series on shared axes, with a legend under the title. */
export function lineChart(options: {
  title: string;
  x: Axis;
  y: Axis;
  xLabel: string;
  series: Series[];
  /** Horizontal reference lines, such as a tolerance. */
  guides?: Array<{ y: number; label: string }>;
  /** Points to call out, such as the step where a loss first rose. */
  marks?: Array<{ x: number; y: number; label: string }>;
  kind: string;
}): string {
  const { x, y } = options;
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const px = (v: number) => position(x, v, left, right).toFixed(1);
  const py = (v: number) => position(y, v, bottom, top).toFixed(1);
  const drawable = (v: number, axis: Axis) =>
    Number.isFinite(v) && (!axis.log || v > 0) && v >= axis.min && v <= axis.max;
  const parts: string[] = [
    `<text x="${left}" y="14" class="title">${escapeHtml(options.title)}</text>`,
  ];
  for (const t of ticksOf(y)) {
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${py(t)}" y2="${py(t)}" class="gridline"/>`,
      `<text x="${left - 6}" y="${py(t)}" dy="3.5" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of ticksOf(x)) {
    parts.push(
      `<line x1="${px(t)}" x2="${px(t)}" y1="${bottom}" y2="${bottom + 4}" class="axis"/>`,
      `<text x="${px(t)}" y="${bottom + 16}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" class="axis"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" class="axis"/>`,
    `<text x="${(left + right) / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
  );
  for (const guide of options.guides ?? []) {
    if (!drawable(guide.y, y)) continue;
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${py(guide.y)}" y2="${py(guide.y)}" class="limit"/>`,
      `<text x="${right}" y="${py(guide.y)}" dy="-4" text-anchor="end">${escapeHtml(guide.label)}</text>`,
    );
  }
  options.series.forEach((s, k) => {
    const points = s.points.filter(([a, b]) => drawable(a, x) && drawable(b, y));
    if (points.length > 1) {
      const d = points.map(([a, b], i) => `${i ? "L" : "M"}${px(a)} ${py(b)}`).join("");
      parts.push(`<path d="${d}" class="curve" style="stroke:${s.colour}"/>`);
    }
    for (const [a, b] of points) {
      parts.push(
        `<circle cx="${px(a)}" cy="${py(b)}" r="2.6" class="dot" style="fill:${s.colour}"/>`,
      );
    }
    const lx = left + k * 120;
    parts.push(
      `<rect x="${lx}" y="25" width="10" height="3" style="fill:${s.colour}"/>`,
      `<text x="${lx + 14}" y="30" class="key">${escapeHtml(s.label)}</text>`,
    );
  });
  for (const mark of options.marks ?? []) {
    if (!drawable(mark.x, x) || !drawable(mark.y, y)) continue;
    parts.push(
      `<circle cx="${px(mark.x)}" cy="${py(mark.y)}" r="6" class="mark"/>`,
      `<text x="${px(mark.x)}" y="${py(mark.y)}" dx="9" dy="-8" text-anchor="start" class="mark-label">${escapeHtml(mark.label)}</text>`,
    );
  }
  return `<svg class="chart" data-chart="${options.kind}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" data-scale="${y.log ? "log" : "linear"}">${parts.join("")}</svg>`;
}
