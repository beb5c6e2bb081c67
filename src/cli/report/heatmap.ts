import type { ChalkInstance } from "chalk";
import type { TensorCheck } from "../../core/check.js";
import { unravel } from "../../core/tensor.js";
import { index, num, padEnd } from "../format.js";

/**
 * A compact picture of where a tensor's relative errors sit, one glyph pair
 * per cell (two columns, so a cell is about square), readable without colour
 * because each level has its own shape. Large slices show the worst level of
 * each block of cells; many slices show one glyph per slice plus the slice
 * holding the worst cell, so the picture stays within about 24 lines.
 */

/** Level per cell: 0 far below rtol … 3 above rtol but within atol, 4 fails; -1 not checked. */
const GLYPHS = ["·", "░", "▒", "▓", "█"];
const MAX_SIDE = 16;
const MAX_LINES = 24;
const LINE_WIDTH = 100;

type Levels = Int8Array;

const visible = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "").length;

function levels(g: TensorCheck, rtol: number): Levels {
  const failing = new Set(g.comparison.failing);
  const out = new Int8Array(g.analytic.length);
  g.comparison.relError.forEach((err, cell) => {
    if (Number.isNaN(err)) out[cell] = -1;
    else if (failing.has(cell)) out[cell] = 4;
    else if (err > rtol) out[cell] = 3;
    else if (err > rtol * 1e-3) out[cell] = 2;
    else if (err > rtol * 1e-6) out[cell] = 1;
    else out[cell] = 0;
  });
  return out;
}

function paint(level: number, c: ChalkInstance): string {
  if (level < 0) return "  ";
  const pair = GLYPHS[level].repeat(2);
  return [c.dim, c.green, c.cyan, c.yellow, c.red.bold][level](pair);
}

/** Rows of one slice, `block` cells per glyph along each axis (the worst level shown). */
function sliceRows(
  lv: Levels,
  first: number,
  height: number,
  width: number,
  c: ChalkInstance,
): string[] {
  const block = Math.ceil(Math.max(height, width) / MAX_SIDE);
  const rows: string[] = [];
  for (let by = 0; by < height; by += block) {
    let line = "";
    for (let bx = 0; bx < width; bx += block) {
      let worst = -1;
      for (let y = by; y < Math.min(height, by + block); y++) {
        for (let x = bx; x < Math.min(width, bx + block); x++) {
          worst = Math.max(worst, lv[first + y * width + x]);
        }
      }
      line += paint(worst, c);
    }
    rows.push(line);
  }
  return rows;
}

/** Lay blocks of equal-width lines side by side, wrapping at the line width. */
function sideBySide(blocks: Array<{ label: string; rows: string[]; width: number }>): string[] {
  const lines: string[] = [];
  let group: typeof blocks = [];
  let used = 0;
  const flush = () => {
    if (!group.length) return;
    if (group.some((b) => b.label))
      lines.push(group.map((b) => padEnd(b.label, b.width)).join("  "));
    const height = Math.max(...group.map((b) => b.rows.length));
    for (let y = 0; y < height; y++) {
      const row = (b: (typeof group)[number]) => b.rows[y] ?? "";
      lines.push(group.map((b) => padEnd(row(b), b.width, visible(row(b)))).join("  "));
    }
    group = [];
    used = 0;
  };
  for (const b of blocks) {
    if (used + b.width > LINE_WIDTH) flush();
    group.push(b);
    used += b.width + 2;
  }
  flush();
  return lines.map((l) => `      ${l}`.trimEnd());
}

/**
 * One glyph per slice (its worst level), in rows of the last leading axis
 * when it fits; with more rows than fit, a glyph also takes the worst of a
 * few consecutive rows.
 */
function overviewBlock(lv: Levels, leading: number[], plane: number, c: ChalkInstance) {
  const sliceCount = lv.length / plane;
  const last = leading[leading.length - 1];
  const columns = Math.min(last, 40);
  const perSlice = Array.from({ length: sliceCount }, (_, s) => {
    let worst = -1;
    for (let i = s * plane; i < (s + 1) * plane; i++) worst = Math.max(worst, lv[i]);
    return worst;
  });
  const rowCount = Math.ceil(sliceCount / columns);
  const rowBlock = Math.ceil(rowCount / MAX_SIDE);
  const rows: string[] = [];
  for (let r = 0; r < rowCount; r += rowBlock) {
    let line = "";
    for (let col = 0; col < columns; col++) {
      let worst = -1;
      for (let k = r; k < Math.min(rowCount, r + rowBlock); k++) {
        if (k * columns + col < sliceCount) worst = Math.max(worst, perSlice[k * columns + col]);
      }
      line += paint(worst, c);
    }
    rows.push(line);
  }
  const rowsWord = rowBlock > 1 ? `rows [0] (${rowBlock} per glyph)` : "rows [0]";
  const label =
    leading.length > 1 && columns === last
      ? `one glyph per slice, ${rowsWord} by columns [1]`
      : `one glyph per slice, ${columns} a row${rowBlock > 1 ? `, ${rowBlock} rows per glyph` : ""}`;
  return { label, rows, width: Math.max(2 * columns, label.length) };
}

export function relErrorHeatmap(g: TensorCheck, rtol: number, c: ChalkInstance): string[] {
  const [height, width] = g.shape.length === 1 ? [1, g.shape[0]] : g.shape.slice(-2);
  const leading = g.shape.length > 2 ? g.shape.slice(0, -2) : [];
  const plane = height * width;
  const sliceCount = g.analytic.length / plane;
  const lv = levels(g, rtol);
  const block = Math.ceil(Math.max(height, width) / MAX_SIDE);
  const drawnWidth = 2 * Math.ceil(width / block);
  const slice = (s: number, label: string) => ({
    label: `${label}${block > 1 ? ` (${block}x${block} per glyph)` : ""}`,
    rows: sliceRows(lv, s * plane, height, width, c),
    width: Math.max(drawnWidth, label.length),
  });
  const lines = [`    ${c.dim("relative error")}`];
  const perLine = Math.max(1, Math.floor((LINE_WIDTH + 2) / (drawnWidth + 2)));
  const drawnHeight = Math.ceil(height / block);
  if (Math.ceil(sliceCount / perLine) * (drawnHeight + 1) <= MAX_LINES) {
    const label = (s: number) => (leading.length ? index(unravel(s, leading)) : "");
    lines.push(...sideBySide(Array.from({ length: sliceCount }, (_, s) => slice(s, label(s)))));
  } else {
    const blocks = [overviewBlock(lv, leading, plane, c)];
    const worst = g.comparison.worst;
    if (worst >= 0) {
      const s = Math.floor(worst / plane);
      blocks.push(slice(s, `worst slice ${index(unravel(s, leading))}`));
    }
    lines.push(...sideBySide(blocks));
  }
  lines.push(`      ${c.dim(legend(rtol))}`);
  return lines;
}

function legend(rtol: number): string {
  return [
    `· ≤ ${num(rtol * 1e-6, 2)}`,
    `░ ≤ ${num(rtol * 1e-3, 2)}`,
    `▒ ≤ rtol ${num(rtol, 2)}`,
    "▓ above rtol, within atol",
    "█ fails",
    "blank: not checked",
  ].join("   ");
}
