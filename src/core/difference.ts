import type { CellEvaluator } from "./numerical.js";

/**
 * The loss difference E(x + h) - E(x - h) for one perturbed element, from
 * the output cells it reaches, each recomputed in full at both points:
 * O = b + sum_k columns[cell][k] * F[co][k], one dot product per cell and
 * point. One pass over memory feeds both sums of a cell, and four cells (or
 * channels) share each pass; every sum still runs over all its terms in the
 * same order. The evaluator's kernels (kernels.wat, or difference-blocks.ts
 * where WebAssembly cannot run) take the perturbed term in place: x + h in
 * one sum and x - h in the other. Cells the element cannot reach (its tap
 * lands in padding, or no tap lands on it) are the same at both points and
 * are not visited.
 */

/** dE/dF[e]: the element's output channel, in the cells where its tap is real. */
export function filterDifference(ev: CellEvaluator, e: number, step: number): number {
  const { geo } = ev.problem;
  const { target, kernels, at } = ev;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const outWidth = geo.outWidth;
  const co = Math.floor(e / K);
  const k = e - co * K;
  const [oy0, oy1] = geo.rowRange[Math.floor(k / geo.kernelWidth) % geo.kernelHeight];
  const [ox0, ox1] = geo.colRange[k % geo.kernelWidth];
  const group = Math.floor(co / geo.outPerGroup);
  const bias = ev.bias ? ev.bias[co] : 0;
  const plus = ev.filter[co * K + k] + step;
  const minus = ev.filter[co * K + k] - step;
  const rowBytes = 8 * K;
  const y = at.filter + co * rowBytes;

  // Taps real in every column make one run of cells across the rows.
  const fullWidth = ox0 === 0 && ox1 === outWidth;
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    for (let oy = oy0; oy < oy1; oy = fullWidth ? oy1 : oy + 1) {
      const end = fullWidth ? oy1 * outWidth : oy * outWidth + ox1;
      let p = oy * outWidth + ox0;
      for (; p + 3 < end; p += 4) {
        const x = at.columns + (rowsBase + p) * rowBytes;
        const t = at.target + 8 * (targetBase + p);
        diff += kernels.fourRows(x, rowBytes, K, y, k, plus, minus, bias, bias, bias, bias, t, 8);
      }
      for (; p < end; p++) {
        const x = at.columns + (rowsBase + p) * rowBytes;
        diff += kernels.oneRow(x, K, y, k, plus, minus, bias, bias, target[targetBase + p]);
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
  const { target, kernels, at, bias } = ev;
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
  const rowBytes = 8 * K;

  let diff = 0;
  for (const rowTap of geo.rowTaps[iy]) {
    for (const colTap of geo.colTaps[ix]) {
      const p = rowTap.out * geo.outWidth + colTap.out;
      // The cell's columns row is shared by the four sums; the filter rows vary.
      const y = at.columns + (rowsBase + p) * rowBytes;
      const k = (c * kernelHeight + rowTap.kernel) * kernelWidth + colTap.kernel;
      let co = firstOut;
      for (; co + 3 < lastOut; co += 4) {
        const t = at.target + 8 * (targetBase + co * outPlane + p);
        const rows = at.filter + co * rowBytes;
        diff += kernels.fourRows(
          rows,
          rowBytes,
          K,
          y,
          k,
          plus,
          minus,
          biasAt(bias, co),
          biasAt(bias, co + 1),
          biasAt(bias, co + 2),
          biasAt(bias, co + 3),
          t,
          8 * outPlane,
        );
      }
      for (; co < lastOut; co++) {
        const t = target[targetBase + co * outPlane + p];
        diff += kernels.oneRow(
          at.filter + co * rowBytes,
          K,
          y,
          k,
          plus,
          minus,
          biasAt(bias, co),
          biasAt(bias, co),
          t,
        );
      }
    }
  }
  return (0.5 * diff) / (plus - minus);
}

/** dE/db[co]: every cell of output channel co, the bias at both points. */
export function biasDifference(ev: CellEvaluator, co: number, step: number): number {
  const { geo } = ev.problem;
  const { target, kernels, at } = ev;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const group = Math.floor(co / geo.outPerGroup);
  const x = (ev.bias as Float64Array)[co];
  const plus = x + step;
  const minus = x - step;
  // Both points use the filter's own row; the sums start at the bias's two values.
  const y = at.filter + 8 * co * K;
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    for (let p = 0; p < outPlane; p++) {
      const row = at.columns + 8 * (rowsBase + p) * K;
      diff += kernels.oneRow(row, K, y, -1, 0, 0, plus, minus, target[targetBase + p]);
    }
  }
  return (0.5 * diff) / (plus - minus);
}

function biasAt(bias: Float64Array | null, co: number): number {
  return bias ? bias[co] : 0;
}
