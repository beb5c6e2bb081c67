import { num } from "../cli/format.js";
import { errorColour, errorScale, valueColour } from "./client/colours.js";

/**
 * Legends for a tensor's two colour scales, drawn by the server from the
 * same functions the page's script paints the cells with.
 */

const BAR_WIDTH = 240;

function bar(id: string, stops: Array<[number, string]>): string {
  const gradient = stops
    .map(([at, colour]) => `<stop offset="${(at * 100).toFixed(2)}%" stop-color="${colour}"/>`)
    .join("");
  return (
    `<defs><linearGradient id="${id}">${gradient}</linearGradient></defs>` +
    `<rect x="10" y="4" width="${BAR_WIDTH}" height="12" rx="2" fill="url(#${id})" class="bar"/>`
  );
}

function tick(at: number, label: string, className = ""): string {
  const x = 10 + at * BAR_WIDTH;
  // The end labels stay inside the picture.
  const anchor = at === 0 ? "start" : at === 1 ? "end" : "middle";
  const textX = at === 0 ? x - 6 : at === 1 ? x + 6 : x;
  return (
    `<line x1="${x}" x2="${x}" y1="16" y2="20" class="tick ${className}"/>` +
    `<text x="${textX}" y="32" text-anchor="${anchor}" class="${className}">${label}</text>`
  );
}

function svg(body: string, kind: string): string {
  return `<svg class="legend-bar" data-legend="${kind}" width="${BAR_WIDTH + 20}" height="36" viewBox="0 0 ${BAR_WIDTH + 20} 36" role="img">${body}</svg>`;
}

/** Analytic and numerical values: one diverging scale from -vmax to vmax. */
export function valueLegend(id: string, vmax: number): string {
  const stops = Array.from({ length: 13 }, (_, i): [number, string] => {
    const at = i / 12;
    return [at, valueColour((at * 2 - 1) * vmax, vmax)];
  });
  const ticks = [tick(0, num(-vmax, 3)), tick(0.5, "0"), tick(1, num(vmax, 3))];
  return svg(bar(id, stops) + ticks.join(""), "value");
}

const decade = (exponent: number) => (exponent === 0 ? "1" : `1e${exponent}`);

/** Relative error: log scale, a break in colour at rtol. */
export function errorLegend(id: string, rtol: number): string {
  const { floor, limit, top } = errorScale(rtol);
  const stops: Array<[number, string]> = [];
  for (let i = 0; i <= 8; i++) {
    const rel = 10 ** (floor + ((limit - floor) * i) / 8);
    stops.push([errorColour(rel, rtol).at, errorColour(rel, rtol).colour]);
  }
  for (let i = 1; i <= 6; i++) {
    const rel = 10 ** (limit + ((top - limit) * i) / 6);
    const { at, colour } = errorColour(rel, rtol);
    if (i === 1) stops.push([0.6, errorColour(10 ** (limit + 1e-9), rtol).colour]);
    stops.push([at, colour]);
  }
  const ticks = [tick(0, num(10 ** floor, 2))];
  const step = Math.max(2, Math.ceil((limit - floor) / 3));
  for (let e = Math.ceil(floor) + step; e < limit; e += step) {
    // Only where a label has room between the ends and the rtol mark.
    const at = errorColour(10 ** e, rtol).at;
    if (at >= 0.2 && at <= 0.42) ticks.push(tick(at, decade(e)));
  }
  ticks.push(tick(0.6, rtol > 0 ? `rtol ${num(rtol, 2)}` : num(10 ** limit, 2), "rtol"));
  ticks.push(tick(1, num(10 ** top, 2)));
  return svg(bar(id, stops) + ticks.join(""), "error");
}

/** The marks drawn over the cells, explained once per tensor. */
export function markLegend(kinks = false): string {
  const kink =
    '<span class="mark-key"><svg width="14" height="14"><rect x="1" y="1" width="12" height="12" class="key-unchecked"/><path d="M7 1h6v6z" class="key-kink"/></svg>kink: judged by one-sided derivatives</span>';
  return [
    '<span class="mark-key"><svg width="14" height="14"><rect x="1.5" y="1.5" width="11" height="11" class="key-failing"/></svg>fails the rule</span>',
    '<span class="mark-key"><svg width="14" height="14"><circle cx="7" cy="7" r="4.5" class="key-halo"/><circle cx="7" cy="7" r="4.5" class="key-ring"/></svg>worst cell</span>',
    '<span class="mark-key"><svg width="14" height="14"><rect x="1" y="1" width="12" height="12" class="key-unchecked"/><line x1="1" y1="13" x2="13" y2="1" class="key-unchecked-line"/></svg>not checked</span>',
    kinks ? kink : "",
  ].join("");
}
