import type { Geometry } from "./geometry.js";

/**
 * Which cells meet in one gradient cell, per axis, read off the geometry:
 * the chain rule of the correlation is separable, so rows and columns can be
 * listed apart and crossed when a cell is asked for. The lists stay small
 * (kernel size times output size per axis) even when the tensors are large,
 * which is why the HTML report embeds these instead of every cell's full list.
 */
export interface DependencyTables {
  batch: number;
  inChannels: number;
  outChannels: number;
  inPerGroup: number;
  outPerGroup: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  /** Per kernel row ky: the [oy, iy] pairs where tap ky lands on a real input row. */
  rowsOfTap: Array<Array<[number, number]>>;
  colsOfTap: Array<Array<[number, number]>>;
  /** Per input row iy: the [oy, ky] pairs of the windows that read it. */
  tapsOfRow: Array<Array<[number, number]>>;
  tapsOfCol: Array<Array<[number, number]>>;
}

export type GradientTensor = "filter" | "input" | "bias";

/**
 * The terms of one gradient cell's sum. `outputs[t]` is the flat output cell
 * whose dE/dO enters term t; `partners[t]` is the flat input cell (for a
 * filter cell) or filter cell (for an input cell) it is multiplied by, and -1
 * for a bias cell, whose terms are dE/dO alone.
 */
export interface Dependencies {
  outputs: number[];
  partners: number[];
}

export function dependencyTables(geo: Geometry): DependencyTables {
  // iy = oy * strideHeight - padTop + ky * dilationHeight, likewise for columns.
  const along = (
    ranges: Array<[number, number]>,
    stride: number,
    pad: number,
    dilation: number,
  ): Array<Array<[number, number]>> =>
    ranges.map(([start, end], k) => {
      const pairs: Array<[number, number]> = [];
      for (let o = start; o < end; o++) pairs.push([o, o * stride - pad + k * dilation]);
      return pairs;
    });
  return {
    batch: geo.batch,
    inChannels: geo.inChannels,
    outChannels: geo.outChannels,
    inPerGroup: geo.inPerGroup,
    outPerGroup: geo.outPerGroup,
    inHeight: geo.inHeight,
    inWidth: geo.inWidth,
    outHeight: geo.outHeight,
    outWidth: geo.outWidth,
    kernelHeight: geo.kernelHeight,
    kernelWidth: geo.kernelWidth,
    rowsOfTap: along(geo.rowRange, geo.strideHeight, geo.padTop, geo.dilationHeight),
    colsOfTap: along(geo.colRange, geo.strideWidth, geo.padLeft, geo.dilationWidth),
    tapsOfRow: geo.rowTaps.map((taps) => taps.map((t): [number, number] => [t.out, t.kernel])),
    tapsOfCol: geo.colTaps.map((taps) => taps.map((t): [number, number] => [t.out, t.kernel])),
  };
}

/**
 * Expand the tables into the terms of one flat gradient cell (NCHW order,
 * as the tensors are stored). The HTML report runs this very function in
 * the browser by inlining its source, so it must stay self-contained: no
 * imports, no module-level helpers.
 */
export function expandDependencies(
  t: DependencyTables,
  tensor: GradientTensor,
  cell: number,
): Dependencies {
  const outputs: number[] = [];
  const partners: number[] = [];
  const outPlane = t.outHeight * t.outWidth;
  const inPlane = t.inHeight * t.inWidth;
  const kernelPlane = t.kernelHeight * t.kernelWidth;
  const outAt = (n: number, co: number, oy: number, ox: number) =>
    (n * t.outChannels + co) * outPlane + oy * t.outWidth + ox;

  if (tensor === "bias") {
    // dE/dB[co] = sum over n, oy, ox of dE/dO[n][co][oy][ox]
    for (let n = 0; n < t.batch; n++) {
      for (let oy = 0; oy < t.outHeight; oy++) {
        for (let ox = 0; ox < t.outWidth; ox++) {
          outputs.push(outAt(n, cell, oy, ox));
          partners.push(-1);
        }
      }
    }
    return { outputs, partners };
  }

  if (tensor === "filter") {
    const kx = cell % t.kernelWidth;
    const ky = Math.floor(cell / t.kernelWidth) % t.kernelHeight;
    const ci = Math.floor(cell / kernelPlane) % t.inPerGroup;
    const co = Math.floor(cell / (kernelPlane * t.inPerGroup));
    const c = Math.floor(co / t.outPerGroup) * t.inPerGroup + ci;
    // dE/dW[co][ci][ky][kx] = sum over n, oy, ox of dE/dO[n][co][oy][ox] * I[n][c][iy][ix]
    for (let n = 0; n < t.batch; n++) {
      for (const [oy, iy] of t.rowsOfTap[ky]) {
        for (const [ox, ix] of t.colsOfTap[kx]) {
          outputs.push(outAt(n, co, oy, ox));
          partners.push((n * t.inChannels + c) * inPlane + iy * t.inWidth + ix);
        }
      }
    }
    return { outputs, partners };
  }

  const ix = cell % t.inWidth;
  const iy = Math.floor(cell / t.inWidth) % t.inHeight;
  const c = Math.floor(cell / inPlane) % t.inChannels;
  const n = Math.floor(cell / (inPlane * t.inChannels));
  const group = Math.floor(c / t.inPerGroup);
  const ci = c - group * t.inPerGroup;
  // dE/dI[n][c][iy][ix] = sum over co in c's group and the taps reading (iy, ix)
  //                       of dE/dO[n][co][oy][ox] * W[co][ci][ky][kx]
  for (let co = group * t.outPerGroup; co < (group + 1) * t.outPerGroup; co++) {
    for (const [oy, ky] of t.tapsOfRow[iy]) {
      for (const [ox, kx] of t.tapsOfCol[ix]) {
        outputs.push(outAt(n, co, oy, ox));
        partners.push(((co * t.inPerGroup + ci) * t.kernelHeight + ky) * t.kernelWidth + kx);
      }
    }
  }
  return { outputs, partners };
}
