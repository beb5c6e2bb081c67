import type { Geometry } from "./geometry.js";

/**
 * The im2col layout: for batch n and group g, row p = oy * outWidth + ox
 * holds output cell p's receptive field, K = inPerGroup * kernelHeight *
 * kernelWidth values in the filter's own (c, ky, kx) order, zeros where the
 * window lies in padding. An output cell is then bias + one contiguous dot
 * product with a filter row, and every pass reads memory in order.
 * Index convention: iy = oy * strideHeight - padTop + ky * dilationHeight
 * (likewise for columns).
 */
export function rowLengthOf(geo: Geometry): number {
  return geo.inPerGroup * geo.kernelHeight * geo.kernelWidth;
}

/**
 * columns[(n * groups + g) * outPlane + p][k]; `into` is reused when given.
 * Rows are written in order, each one tap after another, so the writes run
 * through memory once and the reads stay within a few input rows.
 */
export function im2col(geo: Geometry, input: Float64Array, into?: Float64Array): Float64Array {
  const K = rowLengthOf(geo);
  const outPlane = geo.outHeight * geo.outWidth;
  const inPlane = geo.inHeight * geo.inWidth;
  const columns = into ?? new Float64Array(geo.batch * geo.groups * outPlane * K);
  const [inside0, inside1] = insideColumns(geo);
  let to = 0;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const groupBase = (n * geo.inChannels + g * geo.inPerGroup) * inPlane;
      for (let oy = 0; oy < geo.outHeight; oy++) {
        const iy0 = oy * geo.strideHeight - geo.padTop;
        for (let ox = 0; ox < geo.outWidth; ox++) {
          const ix0 = ox * geo.strideWidth - geo.padLeft;
          const inside = ox >= inside0 && ox < inside1;
          copyWindow(
            geo,
            input,
            groupBase + iy0 * geo.inWidth + ix0,
            iy0,
            ix0,
            inside,
            columns,
            to,
          );
          to += K;
        }
      }
    }
  }
  return columns;
}

/** Output columns whose every tap lands inside the input row: no test per value there. */
function insideColumns(geo: Geometry): [number, number] {
  return [
    Math.max(...geo.colRange.map(([start]) => start)),
    Math.min(...geo.colRange.map(([, end]) => end)),
  ];
}

/** One output cell's receptive field into columns[to ...], zeros in padding. */
function copyWindow(
  geo: Geometry,
  input: Float64Array,
  corner: number,
  iy0: number,
  ix0: number,
  inside: boolean,
  columns: Float64Array,
  to: number,
): void {
  const { inHeight, inWidth, kernelHeight, kernelWidth, dilationHeight, dilationWidth } = geo;
  const inPlane = inHeight * inWidth;
  for (let c = 0; c < geo.inPerGroup; c++) {
    for (let ky = 0; ky < kernelHeight; ky++) {
      const iy = iy0 + ky * dilationHeight;
      const row = corner + c * inPlane + ky * dilationHeight * inWidth;
      if (iy < 0 || iy >= inHeight) {
        for (let kx = 0; kx < kernelWidth; kx++) columns[to++] = 0;
      } else if (inside) {
        for (let kx = 0; kx < kernelWidth; kx++) columns[to++] = input[row + kx * dilationWidth];
      } else {
        for (let kx = 0; kx < kernelWidth; kx++) {
          const ix = ix0 + kx * dilationWidth;
          columns[to++] = ix >= 0 && ix < inWidth ? input[row + kx * dilationWidth] : 0;
        }
      }
    }
  }
}

/** dI[n][ci][iy][ix] += dColumns at every (p, k) that reads it: im2col run backwards. */
export function col2imAdd(geo: Geometry, dColumns: Float64Array, dInput: Float64Array): void {
  const K = rowLengthOf(geo);
  const inPlane = geo.inHeight * geo.inWidth;
  let from = 0;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const groupBase = (n * geo.inChannels + g * geo.inPerGroup) * inPlane;
      for (let oy = 0; oy < geo.outHeight; oy++) {
        const iy0 = oy * geo.strideHeight - geo.padTop;
        for (let ox = 0; ox < geo.outWidth; ox++) {
          const ix0 = ox * geo.strideWidth - geo.padLeft;
          addWindow(geo, dColumns, from, groupBase + iy0 * geo.inWidth + ix0, iy0, ix0, dInput);
          from += K;
        }
      }
    }
  }
}

/** One output cell's row of dColumns added back onto the input values it read. */
function addWindow(
  geo: Geometry,
  dColumns: Float64Array,
  from: number,
  corner: number,
  iy0: number,
  ix0: number,
  dInput: Float64Array,
): void {
  const { inHeight, inWidth, kernelHeight, kernelWidth, dilationHeight, dilationWidth } = geo;
  const inPlane = inHeight * inWidth;
  for (let c = 0; c < geo.inPerGroup; c++) {
    for (let ky = 0; ky < kernelHeight; ky++, from += kernelWidth) {
      const iy = iy0 + ky * dilationHeight;
      if (iy < 0 || iy >= inHeight) continue;
      const row = corner + c * inPlane + ky * dilationHeight * inWidth;
      for (let kx = 0; kx < kernelWidth; kx++) {
        const ix = ix0 + kx * dilationWidth;
        if (ix >= 0 && ix < inWidth) dInput[row + kx * dilationWidth] += dColumns[from + kx];
      }
    }
  }
}

/**
 * Scratch space for the passes' own columns, kept between calls: a fresh
 * large typed array costs its zeroing and page faults every time, more than
 * laying the columns out. Never handed to a caller.
 */
const scratch = new Map<string, Float64Array>();

export function scratchArray(name: string, length: number): Float64Array {
  let buffer = scratch.get(name);
  if (!buffer || buffer.length < length) {
    buffer = new Float64Array(length);
    scratch.set(name, buffer);
  }
  return buffer.length === length ? buffer : buffer.subarray(0, length);
}
