import { cellPasses, type Rule } from "../compare.js";

/**
 * Rearrangements of a tensor within each 2-D slice (its last two axes), the
 * shapes a wrong gradient often takes. Cells a rearrangement has no value
 * for are NaN and take no part in a comparison.
 */

function planes(shape: readonly number[]) {
  const height = shape.length >= 2 ? shape[shape.length - 2] : 1;
  const width = shape[shape.length - 1];
  let count = 1;
  for (let a = 0; a < shape.length - 2; a++) count *= shape[a];
  return { height, width, count };
}

function remap(
  data: Float64Array,
  shape: readonly number[],
  source: (y: number, x: number, height: number, width: number) => [number, number] | null,
): Float64Array {
  const { height, width, count } = planes(shape);
  const out = new Float64Array(data.length).fill(Number.NaN);
  for (let s = 0; s < count; s++) {
    const base = s * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = source(y, x, height, width);
        if (from) out[base + y * width + x] = data[base + from[0] * width + from[1]];
      }
    }
  }
  return out;
}

/** Every slice rotated by 180 degrees. */
export function rotate180(data: Float64Array, shape: readonly number[]): Float64Array {
  return remap(data, shape, (y, x, h, w) => [h - 1 - y, w - 1 - x]);
}

/** Every slice with rows and columns swapped; null when slices are not square. */
export function transpose(data: Float64Array, shape: readonly number[]): Float64Array | null {
  const { height, width } = planes(shape);
  if (height !== width || shape.length < 2) return null;
  return remap(data, shape, (y, x) => [x, y]);
}

/** out[y][x] = data[y + dy][x + dx] where that cell exists. */
export function shift(
  data: Float64Array,
  shape: readonly number[],
  dy: number,
  dx: number,
): Float64Array {
  return remap(data, shape, (y, x, h, w) => {
    const sy = y + dy;
    const sx = x + dx;
    return sy >= 0 && sy < h && sx >= 0 && sx < w ? [sy, sx] : null;
  });
}

/** Cells where both tensors have a value (not NaN). */
export function shared(a: Float64Array, b: Float64Array): number[] {
  const cells: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]) && !Number.isNaN(b[i])) cells.push(i);
  return cells;
}

/** Every shared cell passes the rule (and there is at least one). */
export function agrees(
  a: Float64Array,
  b: Float64Array,
  rule: Rule,
  cells = shared(a, b),
): boolean {
  return cells.length > 0 && cells.every((i) => cellPasses(a[i], b[i], rule));
}

/** Some shared cell fails the rule: the two are told apart by the data. */
export function differs(
  a: Float64Array,
  b: Float64Array,
  rule: Rule,
  cells = shared(a, b),
): boolean {
  return cells.some((i) => !cellPasses(a[i], b[i], rule));
}

/** The least-squares factor r in a = r * b over the shared cells, or null when b is zero there. */
export function ratio(a: Float64Array, b: Float64Array): number | null {
  let ab = 0;
  let bb = 0;
  for (const i of shared(a, b)) {
    ab += a[i] * b[i];
    bb += b[i] * b[i];
  }
  return bb > 0 ? ab / bb : null;
}

export function scaled(b: Float64Array, r: number): Float64Array {
  return b.map((v) => v * r);
}
