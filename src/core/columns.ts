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
 * For every slot of the columns, the input element it copies, or -1 where
 * the window lies in padding. Laid out once per geometry (the geometry record
 * is shared by every pass of a check) and kept; col2imAdd is then one loop
 * over the slots.
 */
const sourceMaps = new WeakMap<Geometry, Int32Array>();

export function columnSources(geo: Geometry): Int32Array {
  const known = sourceMaps.get(geo);
  if (known) return known;
  const K = rowLengthOf(geo);
  const inPlane = geo.inHeight * geo.inWidth;
  const sources = new Int32Array(geo.batch * geo.groups * geo.outHeight * geo.outWidth * K);
  let to = 0;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const groupBase = (n * geo.inChannels + g * geo.inPerGroup) * inPlane;
      for (let oy = 0; oy < geo.outHeight; oy++) {
        for (let ox = 0; ox < geo.outWidth; ox++) {
          windowSources(geo, groupBase, oy, ox, sources, to);
          to += K;
        }
      }
    }
  }
  sourceMaps.set(geo, sources);
  return sources;
}

/** The input index of each tap of output cell (oy, ox), -1 in padding. */
function windowSources(
  geo: Geometry,
  groupBase: number,
  oy: number,
  ox: number,
  sources: Int32Array,
  to: number,
): void {
  const { inHeight, inWidth, kernelHeight, kernelWidth, dilationHeight, dilationWidth } = geo;
  const iy0 = oy * geo.strideHeight - geo.padTop;
  const ix0 = ox * geo.strideWidth - geo.padLeft;
  for (let c = 0; c < geo.inPerGroup; c++) {
    for (let ky = 0; ky < kernelHeight; ky++) {
      const iy = iy0 + ky * dilationHeight;
      const row = groupBase + c * inHeight * inWidth + iy * inWidth;
      for (let kx = 0; kx < kernelWidth; kx++) {
        const ix = ix0 + kx * dilationWidth;
        const real = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
        sources[to++] = real ? row + ix : -1;
      }
    }
  }
}

/** columns[(n * groups + g) * outPlane + p][k]; `into` is reused when given. */
export function im2col(geo: Geometry, input: Float64Array, into?: Float64Array): Float64Array {
  const K = rowLengthOf(geo);
  const outPlane = geo.outHeight * geo.outWidth;
  const columns = into ?? new Float64Array(geo.batch * geo.groups * outPlane * K);
  const inPlane = geo.inHeight * geo.inWidth;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const groupBase = (n * geo.inChannels + g * geo.inPerGroup) * inPlane;
      const rows = (n * geo.groups + g) * outPlane;
      for (let oy = 0; oy < geo.outHeight; oy++) {
        gatherRow(geo, input, groupBase, oy, columns, (rows + oy * geo.outWidth) * K);
      }
    }
  }
  return columns;
}

/**
 * The columns of output row oy, from `to` on: for each cell and each (c, ky)
 * the input row is found once, and the kx loop checks its bounds only where
 * the window reaches over the left or right edge.
 */
function gatherRow(
  geo: Geometry,
  input: Float64Array,
  groupBase: number,
  oy: number,
  columns: Float64Array,
  to: number,
): void {
  const { inHeight, inWidth, kernelHeight, kernelWidth, dilationHeight, dilationWidth } = geo;
  const { inPerGroup, outWidth, strideWidth, padLeft } = geo;
  const inPlane = inHeight * inWidth;
  const iy0 = oy * geo.strideHeight - geo.padTop;
  const reach = (kernelWidth - 1) * dilationWidth;
  let t = to;
  for (let ox = 0; ox < outWidth; ox++) {
    const ix0 = ox * strideWidth - padLeft;
    const inside = ix0 >= 0 && ix0 + reach < inWidth;
    for (let c = 0; c < inPerGroup; c++) {
      const plane = groupBase + c * inPlane;
      for (let ky = 0; ky < kernelHeight; ky++) {
        const iy = iy0 + ky * dilationHeight;
        const row = plane + iy * inWidth;
        if (iy < 0 || iy >= inHeight) {
          for (let kx = 0; kx < kernelWidth; kx++) columns[t++] = 0;
        } else if (inside) {
          for (let kx = 0, i = row + ix0; kx < kernelWidth; kx++, i += dilationWidth) {
            columns[t++] = input[i];
          }
        } else {
          for (let kx = 0, ix = ix0; kx < kernelWidth; kx++, ix += dilationWidth) {
            columns[t++] = ix >= 0 && ix < inWidth ? input[row + ix] : 0;
          }
        }
      }
    }
  }
}

/**
 * dI[n][ci][iy][ix] += dColumns at every (p, k) that reads it: im2col run
 * backwards, visiting the slots in the columns' own order so that each input
 * element's additions always come in the same order.
 */
export function col2imAdd(geo: Geometry, dColumns: Float64Array, dInput: Float64Array): void {
  const sources = columnSources(geo);
  for (let i = 0; i < sources.length; i++) {
    const to = sources[i];
    if (to >= 0) dInput[to] += dColumns[i];
  }
}

/**
 * The input with its padding written out as zeros, one plane of
 * `height` x `width` per (n, c): every window then lies wholly inside, and
 * output cell p's tap k reads padded[base + cells[p] + taps[k]], where base
 * starts the cell's (n, group) block of planes. The forward pass reads its
 * windows from here directly rather than copying them into columns first;
 * the values it multiplies, zeros included, are the ones the columns would
 * hold.
 */
export interface PaddedLayout {
  height: number;
  width: number;
  /** Offset of tap k = (c, ky, kx) from a window's first element. */
  taps: Int32Array;
  /** Offset of output cell p's window within its block of planes. */
  cells: Int32Array;
  /** Elements of one block: batch n, group g. */
  groupSize: number;
  /** Elements of the whole padded input. */
  size: number;
}

const paddedLayouts = new WeakMap<Geometry, PaddedLayout>();

export function paddedLayout(geo: Geometry): PaddedLayout {
  const known = paddedLayouts.get(geo);
  if (known) return known;
  const { kernelHeight, kernelWidth, dilationHeight, dilationWidth } = geo;
  // Room for every row and column a window reads, and for the whole input.
  const height = Math.max(
    geo.padTop + geo.inHeight,
    (geo.outHeight - 1) * geo.strideHeight + (kernelHeight - 1) * dilationHeight + 1,
  );
  const width = Math.max(
    geo.padLeft + geo.inWidth,
    (geo.outWidth - 1) * geo.strideWidth + (kernelWidth - 1) * dilationWidth + 1,
  );
  const taps = new Int32Array(rowLengthOf(geo));
  let k = 0;
  for (let c = 0; c < geo.inPerGroup; c++) {
    for (let ky = 0; ky < kernelHeight; ky++) {
      for (let kx = 0; kx < kernelWidth; kx++) {
        taps[k++] = (c * height + ky * dilationHeight) * width + kx * dilationWidth;
      }
    }
  }
  const cells = new Int32Array(geo.outHeight * geo.outWidth);
  for (let oy = 0; oy < geo.outHeight; oy++) {
    for (let ox = 0; ox < geo.outWidth; ox++) {
      cells[oy * geo.outWidth + ox] = oy * geo.strideHeight * width + ox * geo.strideWidth;
    }
  }
  const size = geo.batch * geo.inChannels * height * width;
  const groupSize = geo.inPerGroup * height * width;
  const layout = { height, width, taps, cells, groupSize, size };
  paddedLayouts.set(geo, layout);
  return layout;
}

const columnLayouts = new WeakMap<Geometry, PaddedLayout>();

/**
 * The columns (im2col) read through the same tables: each cell's window is
 * its row, each tap the next element of it.
 */
export function columnsLayout(geo: Geometry): PaddedLayout {
  const known = columnLayouts.get(geo);
  if (known) return known;
  const K = rowLengthOf(geo);
  const plane = geo.outHeight * geo.outWidth;
  const layout = {
    height: plane,
    width: K,
    taps: Int32Array.from({ length: K }, (_, k) => k),
    cells: Int32Array.from({ length: plane }, (_, p) => p * K),
    groupSize: plane * K,
    size: geo.batch * geo.groups * plane * K,
  };
  columnLayouts.set(geo, layout);
  return layout;
}

/** The input laid out as `layout` describes, zeros around it, in `into`. */
export function padInput(
  geo: Geometry,
  layout: PaddedLayout,
  input: Float64Array,
  into: Float64Array,
): Float64Array {
  const { height, width } = layout;
  const { inHeight, inWidth } = geo;
  into.fill(0);
  const planes = geo.batch * geo.inChannels;
  for (let q = 0; q < planes; q++) {
    for (let y = 0; y < inHeight; y++) {
      const to = (q * height + y + geo.padTop) * width + geo.padLeft;
      copyRow(input, (q * inHeight + y) * inWidth, into, to, inWidth);
    }
  }
  return into;
}

/** to[at + i] = from[start + i] for i < count. */
function copyRow(
  from: Float64Array,
  start: number,
  to: Float64Array,
  at: number,
  count: number,
): void {
  let i = 0;
  for (; i + 3 < count; i += 4) {
    to[at + i] = from[start + i];
    to[at + i + 1] = from[start + i + 1];
    to[at + i + 2] = from[start + i + 2];
    to[at + i + 3] = from[start + i + 3];
  }
  for (; i < count; i++) to[at + i] = from[start + i];
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
