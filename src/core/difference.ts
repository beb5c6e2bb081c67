import { fourCells, fourChannels, oneCell } from "./difference-blocks.js";
import type { CellEvaluator } from "./numerical.js";

/**
 * The loss difference E(x + h) - E(x - h) for one perturbed element, from
 * the output cells it reaches, each recomputed in full at both points:
 * O = b + sum_k columns[cell][k] * F[co][k], one dot product per cell and
 * point. One pass over memory feeds both sums of a cell, and four cells (or
 * channels) share each pass; every sum still runs over all its terms in the
 * same order. Where the evaluator has WebAssembly kernels (kernels.wat) the
 * two sums are the lanes of one SIMD accumulator and the perturbed term is
 * taken in place; otherwise the two points' rows are copied into the scratch
 * rows `plus` and `minus` for the loops of difference-blocks.ts. Both ways
 * give the same values. Cells the element cannot reach (its tap lands in
 * padding, or no tap lands on it) are the same at both points and are not
 * visited.
 */

/** dE/dF[e]: the element's output channel, in the cells where its tap is real. */
export function filterDifference(ev: CellEvaluator, e: number, step: number): number {
  const { geo } = ev.problem;
  const { target } = ev;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const outWidth = geo.outWidth;
  const co = Math.floor(e / K);
  const k = e - co * K;
  const [oy0, oy1] = geo.rowRange[Math.floor(k / geo.kernelWidth) % geo.kernelHeight];
  const [ox0, ox1] = geo.colRange[k % geo.kernelWidth];
  const group = Math.floor(co / geo.outPerGroup);
  const bias = ev.bias ? ev.bias[co] : 0;

  const P = ev.plus;
  const M = ev.minus;
  const plus = ev.filter[co * K + k] + step;
  const minus = ev.filter[co * K + k] - step;

  const cols = ev.columns;
  // Taps real in every column make one run of cells across the rows.
  const fullWidth = ox0 === 0 && ox1 === outWidth;
  const wasm = ev.kernels;
  const { at } = ev;
  const rowBytes = 8 * K;
  const y = at.filter + co * rowBytes;
  if (!wasm) {
    P.set(ev.filter.subarray(co * K, co * K + K));
    M.set(P);
    P[k] = plus;
    M[k] = minus;
  }
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    for (let oy = oy0; oy < oy1; oy = fullWidth ? oy1 : oy + 1) {
      const end = fullWidth ? oy1 * outWidth : oy * outWidth + ox1;
      let p = oy * outWidth + ox0;
      for (; p + 3 < end; p += 4) {
        const a = (rowsBase + p) * K;
        diff += wasm
          ? wasm.fourRows(
              at.columns + 8 * a,
              rowBytes,
              K,
              y,
              k,
              plus,
              minus,
              bias,
              bias,
              bias,
              bias,
              at.target + 8 * (targetBase + p),
              8,
            )
          : fourCells(cols, a, K, P, M, bias, target, targetBase + p);
      }
      for (; p < end; p++) {
        const a = (rowsBase + p) * K;
        const t = target[targetBase + p];
        diff += wasm
          ? wasm.oneRow(at.columns + 8 * a, K, y, k, plus, minus, bias, bias, t)
          : oneCell(cols, a, K, P, M, bias, bias, t);
      }
    }
  }
  return (0.5 * diff) / (plus - minus);
}

/**
 * dE/dI[e]: an input element reaches output cell (oy, ox) through exactly
 * one tap (ky, kx) when oy * strideHeight - padTop + ky * dilationHeight is
 * its row (and likewise for columns), in every output channel of its group.
 */
export function inputDifference(ev: CellEvaluator, e: number, step: number): number {
  const { geo } = ev.problem;
  const { target } = ev;
  const { inHeight, inWidth, kernelHeight, kernelWidth, inPerGroup, outPerGroup } = geo;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const ix = e % inWidth;
  const iy = Math.floor(e / inWidth) % inHeight;
  const ci = Math.floor(e / (inWidth * inHeight)) % geo.inChannels;
  const n = Math.floor(e / (inWidth * inHeight * geo.inChannels));
  const group = Math.floor(ci / inPerGroup);
  const c = ci - group * inPerGroup;
  const firstOut = group * outPerGroup;
  const lastOut = firstOut + outPerGroup;
  const rowsBase = (n * geo.groups + group) * outPlane;
  const targetBase = n * geo.outChannels * outPlane;

  const x = ev.problem.input[e];
  const plus = x + step;
  const minus = x - step;
  const P = ev.plus;
  const M = ev.minus;
  const { columns, filter, bias } = ev;
  const wasm = ev.kernels;
  let diff = 0;
  for (const rowTap of geo.rowTaps[iy]) {
    for (const colTap of geo.colTaps[ix]) {
      const p = rowTap.out * geo.outWidth + colTap.out;
      const a = (rowsBase + p) * K;
      const k = (c * kernelHeight + rowTap.kernel) * kernelWidth + colTap.kernel;
      let co = firstOut;
      if (wasm) {
        const { at } = ev;
        const rowBytes = 8 * K;
        const y = at.columns + a * 8;
        for (; co + 3 < lastOut; co += 4) {
          diff += wasm.fourRows(
            at.filter + co * rowBytes,
            rowBytes,
            K,
            y,
            k,
            plus,
            minus,
            bias ? bias[co] : 0,
            bias ? bias[co + 1] : 0,
            bias ? bias[co + 2] : 0,
            bias ? bias[co + 3] : 0,
            at.target + 8 * (targetBase + co * outPlane + p),
            8 * outPlane,
          );
        }
        for (; co < lastOut; co++) {
          const b = bias ? bias[co] : 0;
          const t = target[targetBase + co * outPlane + p];
          diff += wasm.oneRow(at.filter + co * rowBytes, K, y, k, plus, minus, b, b, t);
        }
        continue;
      }
      P.set(columns.subarray(a, a + K));
      M.set(P);
      P[k] = plus;
      M[k] = minus;
      for (; co + 3 < lastOut; co += 4) {
        diff += fourChannels(
          P,
          M,
          K,
          filter,
          co,
          bias,
          target,
          targetBase + co * outPlane + p,
          outPlane,
        );
      }
      for (; co < lastOut; co++) {
        const b = bias ? bias[co] : 0;
        diff += oneCell(filter, co * K, K, P, M, b, b, target[targetBase + co * outPlane + p]);
      }
    }
  }
  return (0.5 * diff) / (plus - minus);
}

/** dE/db[co]: every cell of output channel co, the bias at both points. */
export function biasDifference(ev: CellEvaluator, co: number, step: number): number {
  const { geo } = ev.problem;
  const { target } = ev;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const group = Math.floor(co / geo.outPerGroup);
  const x = (ev.bias as Float64Array)[co];
  const plus = x + step;
  const minus = x - step;
  // Both points use the filter's own row.
  const row = ev.filter.subarray(co * K, co * K + K);
  const wasm = ev.kernels;
  const y = ev.at.filter + 8 * co * K;
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    for (let p = 0; p < outPlane; p++) {
      const a = (rowsBase + p) * K;
      const t = target[targetBase + p];
      diff += wasm
        ? wasm.oneRow(ev.at.columns + 8 * a, K, y, -1, 0, 0, plus, minus, t)
        : oneCell(ev.columns, a, K, row, row, plus, minus, t);
    }
  }
  return (0.5 * diff) / (plus - minus);
}
