import type { CellEvaluator } from "./numerical.js";

/**
 * The loss difference E(x + h) - E(x - h) for one perturbed element, from
 * the output cells it reaches, each recomputed in full at both points:
 * O = b + sum_k columns[cell][k] * F[co][k], one dot product per cell and
 * point. The two points' rows sit in the evaluator's scratch rows `plus` and
 * `minus`, so one pass over memory feeds both sums of a cell, and four cells
 * (or channels) share each pass; every sum still runs over all its terms in
 * the same order. Cells the element cannot reach (its tap lands in padding,
 * or no tap lands on it) are the same at both points and are not visited.
 */

/** (p - t)^2 - (m - t)^2: one cell's share of the loss difference, doubled. */
function squares(p: number, m: number, t: number): number {
  return (p - t) * (p - t) - (m - t) * (m - t);
}

/** dE/dF[e]: the element's output channel, in the cells where its tap is real. */
export function filterDifference(ev: CellEvaluator, e: number, step: number): number {
  const { geo, target } = ev.problem;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const outWidth = geo.outWidth;
  const co = Math.floor(e / K);
  const k = e - co * K;
  const ky = Math.floor(k / geo.kernelWidth) % geo.kernelHeight;
  const kx = k % geo.kernelWidth;
  const [oy0, oy1] = geo.rowRange[ky];
  const [ox0, ox1] = geo.colRange[kx];
  const group = Math.floor(co / geo.outPerGroup);
  const bias = ev.bias ? ev.bias[co] : 0;

  const P = ev.plus;
  const M = ev.minus;
  P.set(ev.filter.subarray(co * K, co * K + K));
  M.set(P);
  const x = P[k];
  const plus = x + step;
  const minus = x - step;
  P[k] = plus;
  M[k] = minus;

  const cols = ev.columns;
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    // Taps real in every column make one run of cells across the rows.
    const fullWidth = ox0 === 0 && ox1 === outWidth;
    for (let oy = oy0; oy < oy1; oy = fullWidth ? oy1 : oy + 1) {
      const end = fullWidth ? oy1 * outWidth : oy * outWidth + ox1;
      let p = oy * outWidth + ox0;
      for (; p + 3 < end; p += 4) {
        const a0 = (rowsBase + p) * K;
        const a1 = a0 + K;
        const a2 = a1 + K;
        const a3 = a2 + K;
        let s0p = bias;
        let s0m = bias;
        let s1p = bias;
        let s1m = bias;
        let s2p = bias;
        let s2m = bias;
        let s3p = bias;
        let s3m = bias;
        for (let j = 0; j < K; j++) {
          const fp = P[j];
          const fm = M[j];
          const c0 = cols[a0 + j];
          const c1 = cols[a1 + j];
          const c2 = cols[a2 + j];
          const c3 = cols[a3 + j];
          s0p += c0 * fp;
          s0m += c0 * fm;
          s1p += c1 * fp;
          s1m += c1 * fm;
          s2p += c2 * fp;
          s2m += c2 * fm;
          s3p += c3 * fp;
          s3m += c3 * fm;
        }
        const t = targetBase + p;
        diff += squares(s0p, s0m, target[t]) + squares(s1p, s1m, target[t + 1]);
        diff += squares(s2p, s2m, target[t + 2]) + squares(s3p, s3m, target[t + 3]);
      }
      for (; p < end; p++) {
        const a = (rowsBase + p) * K;
        let sp = bias;
        let sm = bias;
        for (let j = 0; j < K; j++) {
          const c = cols[a + j];
          sp += c * P[j];
          sm += c * M[j];
        }
        diff += squares(sp, sm, target[targetBase + p]);
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
  const { geo, target } = ev.problem;
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
  const rowTaps = geo.rowTaps[iy];
  const colTaps = geo.colTaps[ix];

  const x = ev.problem.input[e];
  const plus = x + step;
  const minus = x - step;
  const P = ev.plus;
  const M = ev.minus;
  const cols = ev.columns;
  const filter = ev.filter;
  const bias = ev.bias;
  let diff = 0;
  for (const rowTap of rowTaps) {
    for (const colTap of colTaps) {
      const p = rowTap.out * geo.outWidth + colTap.out;
      const a = (rowsBase + p) * K;
      P.set(cols.subarray(a, a + K));
      M.set(P);
      const k = (c * kernelHeight + rowTap.kernel) * kernelWidth + colTap.kernel;
      P[k] = plus;
      M[k] = minus;
      let co = firstOut;
      for (; co + 3 < lastOut; co += 4) {
        const f0 = co * K;
        const f1 = f0 + K;
        const f2 = f1 + K;
        const f3 = f2 + K;
        let s0p = bias ? bias[co] : 0;
        let s1p = bias ? bias[co + 1] : 0;
        let s2p = bias ? bias[co + 2] : 0;
        let s3p = bias ? bias[co + 3] : 0;
        let s0m = s0p;
        let s1m = s1p;
        let s2m = s2p;
        let s3m = s3p;
        for (let j = 0; j < K; j++) {
          const vp = P[j];
          const vm = M[j];
          const w0 = filter[f0 + j];
          const w1 = filter[f1 + j];
          const w2 = filter[f2 + j];
          const w3 = filter[f3 + j];
          s0p += vp * w0;
          s0m += vm * w0;
          s1p += vp * w1;
          s1m += vm * w1;
          s2p += vp * w2;
          s2m += vm * w2;
          s3p += vp * w3;
          s3m += vm * w3;
        }
        const t = targetBase + co * outPlane + p;
        diff += squares(s0p, s0m, target[t]) + squares(s1p, s1m, target[t + outPlane]);
        diff += squares(s2p, s2m, target[t + 2 * outPlane]);
        diff += squares(s3p, s3m, target[t + 3 * outPlane]);
      }
      for (; co < lastOut; co++) {
        const f = co * K;
        let sp = bias ? bias[co] : 0;
        let sm = sp;
        for (let j = 0; j < K; j++) {
          const w = filter[f + j];
          sp += P[j] * w;
          sm += M[j] * w;
        }
        diff += squares(sp, sm, target[targetBase + co * outPlane + p]);
      }
    }
  }
  return (0.5 * diff) / (plus - minus);
}

/** dE/db[co]: every cell of output channel co. */
export function biasDifference(ev: CellEvaluator, co: number, step: number): number {
  const { geo, target } = ev.problem;
  const K = ev.rowLength;
  const outPlane = ev.outPlane;
  const group = Math.floor(co / geo.outPerGroup);
  const x = (ev.bias as Float64Array)[co];
  const plus = x + step;
  const minus = x - step;
  let diff = 0;
  for (let n = 0; n < geo.batch; n++) {
    const rowsBase = (n * geo.groups + group) * outPlane;
    const targetBase = (n * geo.outChannels + co) * outPlane;
    for (let p = 0; p < outPlane; p++) {
      const a = (rowsBase + p) * K;
      diff += cellSquares(ev.columns, a, ev.filter, co * K, K, plus, minus, target[targetBase + p]);
    }
  }
  return (0.5 * diff) / (plus - minus);
}

/**
 * One cell at two bias values: its share of the loss difference. A function
 * of its own, so that it is compiled after a few calls: a bias has few
 * elements, and a loop inside biasDifference would run cold for most of them.
 */
function cellSquares(
  cols: Float64Array,
  a: number,
  filter: Float64Array,
  f: number,
  K: number,
  plus: number,
  minus: number,
  t: number,
): number {
  let sp = plus;
  let sm = minus;
  for (let j = 0; j < K; j++) {
    const w = filter[f + j];
    const c = cols[a + j];
    sp += c * w;
    sm += c * w;
  }
  return squares(sp, sm, t);
}
