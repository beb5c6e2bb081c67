/**
 * Colour scales of the HTML report, used by the page's script to paint cells
 * and by the server to draw the legends, so both read the same scale. Each
 * function is inlined into the page on its own: no imports, no module-level
 * helpers or constants.
 */

/** Linear interpolation through evenly spaced `#rrggbb` stops, t in [0, 1]. */
export function rampColour(stops: string[], t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const span = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(span));
  const f = span - i;
  const channel = (hex: string, k: number) => Number.parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16);
  let out = "#";
  for (let k = 0; k < 3; k++) {
    const v = Math.round(channel(stops[i], k) * (1 - f) + channel(stops[i + 1], k) * f);
    out += v.toString(16).padStart(2, "0");
  }
  return out;
}

/**
 * A diverging scale for gradient values: blue below zero, a warm orange above,
 * near-white at zero, symmetric in [-vmax, vmax] so equal magnitudes get
 * equal strength whatever their sign.
 */
export function valueColour(value: number, vmax: number): string {
  const stops = ["#1d4f7c", "#5b8fc2", "#b9d0e6", "#f4f2ee", "#f0c29b", "#d2783f", "#8c3208"];
  const t = vmax > 0 ? value / vmax : 0;
  return rampColour(stops, (t + 1) / 2);
}

/**
 * The relative-error scale in decades (log10): from `floor` (1e-16, lower
 * for a tiny rtol) through `limit` = rtol to `top` = 1 (a decade above rtol
 * when rtol is 1 or more).
 */
export function errorScale(rtol: number): { floor: number; limit: number; top: number } {
  const floor = Math.log10(Math.min(1e-16, rtol > 0 ? rtol * 1e-6 : 1e-16));
  const limit = rtol > 0 ? Math.log10(rtol) : floor + 10;
  return { floor, limit, top: Math.max(0, limit + 1) };
}

/**
 * Relative error on a log scale split at rtol: errors the rule accepts on
 * their own fade from near-white to a grey green, errors above rtol run from
 * amber to dark red, so the eye goes to the cells that matter. Returns the
 * colour and the position in [0, 1] along the legend.
 */
export function errorColour(rel: number, rtol: number): { colour: string; at: number } {
  const { floor, limit, top } = errorScale(rtol);
  const x = rel > 0 ? Math.log10(rel) : floor;
  // The part below rtol takes 60 % of the legend, the part above 40 %.
  if (x <= limit) {
    const t = (Math.max(x, floor) - floor) / (limit - floor);
    return { colour: rampColour(["#f7f9f7", "#d5e4dd", "#8fb5a6", "#4f8575"], t), at: 0.6 * t };
  }
  const t = Math.min(1, (x - limit) / (top - limit));
  return { colour: rampColour(["#fdd49e", "#f4874b", "#d7301f", "#7f0000"], t), at: 0.6 + 0.4 * t };
}
