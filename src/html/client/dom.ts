/**
 * Small DOM helpers for the report's script. Text always goes in through
 * textContent, never as markup, so nothing from a fixture can become an
 * element. Inlined into the page: no imports, no module-level state.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svgEl(name: string, attrs: Record<string, string | number> = {}): SVGElement {
  const node = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** An SVG path of unit squares at the given [x, y] positions (in cell units). */
export function squaresPath(cells: Array<[number, number]>): string {
  return cells.map(([x, y]) => `M${x} ${y}h1v1h-1z`).join("");
}

/**
 * The outline of a set of unit squares: only the edges between a square in
 * the set and one outside it, so a region of many cells gets one contour
 * instead of a cage of small boxes.
 */
export function outlinePath(cells: Array<[number, number]>): string {
  const inside = new Set(cells.map(([x, y]) => `${x},${y}`));
  const has = (x: number, y: number) => inside.has(`${x},${y}`);
  let d = "";
  for (const [x, y] of cells) {
    if (!has(x, y - 1)) d += `M${x} ${y}h1`;
    if (!has(x, y + 1)) d += `M${x} ${y + 1}h1`;
    if (!has(x - 1, y)) d += `M${x} ${y}v1`;
    if (!has(x + 1, y)) d += `M${x + 1} ${y}v1`;
  }
  return d;
}

/** `[1][0][2]`, the way convcheck writes a cell everywhere. */
export function indexText(flat: number, shape: number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]);
    flat = Math.floor(flat / shape[axis]);
  }
  return index.map((i) => `[${i}]`).join("");
}

/** A number with up to `digits` significant digits, exponent form when very small or large. */
export function numText(value: number | null, digits = 6): string {
  if (value === null || Number.isNaN(value)) return "not checked";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) {
    const text = value.toPrecision(digits);
    return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  return value.toExponential(digits - 1).replace(/\.?0+e/, "e");
}
