import type { Geometry } from "./geometry.js";
import type { TensorName } from "./numerical.js";
import { seededRandom } from "./random.js";
import { sizeOf } from "./tensor.js";

/**
 * Which cells `--sample N` checks in one tensor: every corner (first or last
 * index on each axis), then cells next to padding, then cells anywhere, all
 * drawn by a generator seeded from `seed` and the tensor's name, so the same
 * seed picks the same cells on every machine. Half of what the corners leave
 * of N goes to the padding sides, spread over them in turn and at least one
 * per padded side, because a misplaced pad shows there first. Returns null
 * when N covers the whole tensor.
 */
export function sampleCells(
  tensor: TensorName,
  shape: readonly number[],
  geo: Geometry,
  count: number,
  seed: number,
): Int32Array | null {
  const size = sizeOf(shape);
  if (count >= size) return null;
  const next = seededRandom(streamSeed(seed, tensor));
  const chosen = new Set<number>(corners(shape));

  const sides = paddingSides(tensor, shape, geo);
  const forSides = sides.length ? Math.max(sides.length, Math.floor((count - chosen.size) / 2)) : 0;
  for (let i = 0; i < forSides && chosen.size < size; i++) {
    const side = sides[i % sides.length];
    // A side can be smaller than its share: a few misses then move on.
    for (let attempt = 0; attempt < 8; attempt++) {
      const cell = side(next);
      if (!chosen.has(cell)) {
        chosen.add(cell);
        break;
      }
    }
  }
  fillUniform(chosen, Math.max(count, chosen.size), size, next);
  return Int32Array.from(chosen).sort();
}

/** A different stream per tensor from one seed. */
function streamSeed(seed: number, tensor: TensorName): number {
  const salt = { filter: 0x9e3779b9, input: 0x85ebca6b, bias: 0xc2b2ae35 }[tensor];
  return (Math.imul(seed ^ salt, 0x27d4eb2d) ^ (seed >>> 15)) >>> 0;
}

/** Flat indices of every combination of first and last index per axis. */
export function corners(shape: readonly number[]): number[] {
  let cells = [0];
  for (const extent of shape) {
    const ends = extent > 1 ? [0, extent - 1] : [0];
    cells = cells.flatMap((base) => ends.map((i) => base * extent + i));
  }
  return [...new Set(cells)];
}

type Side = (next: () => number) => number;

/**
 * The cells next to each padded side. For the input: its first row when
 * padTop > 0, last row when padBottom > 0, and likewise for columns. For the
 * filter: the taps that read padding on that side for some output cell
 * (their real output rows or columns stop short of the edge).
 */
function paddingSides(tensor: TensorName, shape: readonly number[], geo: Geometry): Side[] {
  if (tensor === "bias" || shape.length < 2) return [];
  const height = shape[shape.length - 2];
  const width = shape[shape.length - 1];
  const planes = sizeOf(shape) / (height * width);
  const all = (extent: number) => Array.from({ length: extent }, (_, i) => i);
  const side = (rows: number[], cols: number[]): Side | null =>
    rows.length && cols.length
      ? (next) => {
          const plane = Math.floor(next() * planes);
          const y = rows[Math.floor(next() * rows.length)];
          const x = cols[Math.floor(next() * cols.length)];
          return (plane * height + y) * width + x;
        }
      : null;
  let top: number[];
  let bottom: number[];
  let left: number[];
  let right: number[];
  if (tensor === "input") {
    top = geo.padTop > 0 ? [0] : [];
    bottom = geo.padBottom > 0 ? [height - 1] : [];
    left = geo.padLeft > 0 ? [0] : [];
    right = geo.padRight > 0 ? [width - 1] : [];
  } else {
    top = all(height).filter((ky) => geo.rowRange[ky][0] > 0);
    bottom = all(height).filter((ky) => geo.rowRange[ky][1] < geo.outHeight);
    left = all(width).filter((kx) => geo.colRange[kx][0] > 0);
    right = all(width).filter((kx) => geo.colRange[kx][1] < geo.outWidth);
  }
  return [
    side(top, all(width)),
    side(bottom, all(width)),
    side(all(height), left),
    side(all(height), right),
  ].filter((s): s is Side => s !== null);
}

/** Add distinct uniform cells until `chosen` holds `target` of them. */
function fillUniform(chosen: Set<number>, target: number, size: number, next: () => number): void {
  if (target * 2 <= size) {
    while (chosen.size < target) chosen.add(Math.floor(next() * size));
    return;
  }
  // Dense samples: a partial shuffle of the cells not yet chosen.
  const rest = Array.from({ length: size }, (_, i) => i).filter((i) => !chosen.has(i));
  for (let i = 0; chosen.size < target; i++) {
    const j = i + Math.floor(next() * (rest.length - i));
    [rest[i], rest[j]] = [rest[j], rest[i]];
    chosen.add(rest[i]);
  }
}
