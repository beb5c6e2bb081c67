import type { Kernels } from "./kernels.js";

/**
 * The kernels of kernels.wat in plain JavaScript, over an ordinary array,
 * for where WebAssembly cannot run: the same interface, byte addresses
 * included, and the same products added in the same order, so the values
 * are the same bit for bit. Each sum is b + sum_j x[j] * y[j] over all K
 * terms, with y's element k taken as `plus` in the sum at x + h and as
 * `minus` in the sum at x - h.
 */
export function scalarKernels(heap: Float64Array): Kernels {
  return {
    fourRows(x, rowBytes, K, y, k, plus, minus, b0, b1, b2, b3, t, tStep) {
      const a0 = x / 8;
      const a1 = a0 + rowBytes / 8;
      const a2 = a1 + rowBytes / 8;
      const a3 = a2 + rowBytes / 8;
      const w = y / 8;
      let s0p = b0;
      let s0m = b0;
      let s1p = b1;
      let s1m = b1;
      let s2p = b2;
      let s2m = b2;
      let s3p = b3;
      let s3m = b3;
      for (let j = 0; j < K; j++) {
        const wp = j === k ? plus : heap[w + j];
        const wm = j === k ? minus : heap[w + j];
        const c0 = heap[a0 + j];
        const c1 = heap[a1 + j];
        const c2 = heap[a2 + j];
        const c3 = heap[a3 + j];
        s0p += c0 * wp;
        s0m += c0 * wm;
        s1p += c1 * wp;
        s1m += c1 * wm;
        s2p += c2 * wp;
        s2m += c2 * wm;
        s3p += c3 * wp;
        s3m += c3 * wm;
      }
      const at = t / 8;
      const step = tStep / 8;
      return (
        squares(s0p, s0m, heap[at]) +
        squares(s1p, s1m, heap[at + step]) +
        (squares(s2p, s2m, heap[at + 2 * step]) + squares(s3p, s3m, heap[at + 3 * step]))
      );
    },
    oneRow(x, K, y, k, plus, minus, b0, b1, t) {
      const a = x / 8;
      const w = y / 8;
      let sp = b0;
      let sm = b1;
      for (let j = 0; j < K; j++) {
        const c = heap[a + j];
        sp += c * (j === k ? plus : heap[w + j]);
        sm += c * (j === k ? minus : heap[w + j]);
      }
      return squares(sp, sm, t);
    },
  };
}

/** (p - t)^2 - (m - t)^2: one cell's share of the loss difference, doubled. */
function squares(p: number, m: number, t: number): number {
  return (p - t) * (p - t) - (m - t) * (m - t);
}
