import { cell32, forward32, loss32 } from "./float32.js";
import type { Geometry } from "./geometry.js";
import type { Head } from "./head.js";
import type { Problem, TensorName } from "./numerical.js";

/** Unit roundoff: half the gap between 1 and the next number. */
export const UNIT_ROUNDOFF = { float64: 2 ** -53, float32: 2 ** -24 } as const;

/**
 * Numerical gradients through the float32 forward pass: every evaluation of
 * E is the whole single-precision loss at the perturbed point, since the
 * rounding of each operation is part of what is measured. The outputs the
 * element reaches are recomputed in float32 (cell32, in forward32's order);
 * every other output is the very number a rerun would give, since none of
 * its inputs changed, and E is then summed over all of them in loss32's
 * order. So each E is the full rerun's to the last bit, at the cost of the
 * reached cells. The perturbed values are float32 numbers themselves, and the
 * step divided by is the one actually taken between them.
 */
export function float32Numerical(
  problem: Problem,
  head: Head,
  tensor: TensorName,
  cells: ArrayLike<number>,
  step: number,
): Float64Array {
  const copy: Problem = {
    ...problem,
    input: problem.input.slice(),
    filter: problem.filter.slice(),
    bias: problem.bias ? problem.bias.slice() : null,
  };
  const { geo, target } = copy;
  const base = forward32(geo, copy.input, copy.filter, copy.bias);
  const pre = base.slice();
  const data = copy[tensor] as Float64Array;
  const reached = new Int32Array(pre.length);
  const { outChannels, outHeight, outWidth } = geo;
  const lossWith = (e: number, value: number, count: number) => {
    data[e] = value;
    for (let r = 0; r < count; r++) {
      const o = reached[r];
      const ox = o % outWidth;
      const oy = Math.floor(o / outWidth) % outHeight;
      const co = Math.floor(o / (outWidth * outHeight)) % outChannels;
      const n = Math.floor(o / (outWidth * outHeight * outChannels));
      pre[o] = cell32(geo, copy.input, copy.filter, copy.bias, n, co, oy, ox);
    }
    return loss32(head, pre, target);
  };
  const result = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const e = cells[i];
    const count = reachedCells(geo, tensor, e, reached);
    const x = data[e];
    const plus = Math.fround(x + step);
    const minus = Math.fround(x - step);
    const up = lossWith(e, plus, count);
    const down = lossWith(e, minus, count);
    data[e] = x;
    for (let r = 0; r < count; r++) pre[reached[r]] = base[reached[r]];
    result[i] = (up - down) / (plus - minus);
  }
  return result;
}

/**
 * The output cells that read element e of `tensor`, as flat output indices
 * into `into`: a filter element's channel where its tap is real, an input
 * element's windows in its group's channels, a bias element's whole channel.
 * Returns how many there are.
 */
function reachedCells(geo: Geometry, tensor: TensorName, e: number, into: Int32Array): number {
  const { outHeight, outWidth, kernelHeight, kernelWidth } = geo;
  const at = (n: number, co: number, oy: number, ox: number) =>
    ((n * geo.outChannels + co) * outHeight + oy) * outWidth + ox;
  let count = 0;
  if (tensor === "input") {
    const ix = e % geo.inWidth;
    const iy = Math.floor(e / geo.inWidth) % geo.inHeight;
    const ci = Math.floor(e / (geo.inWidth * geo.inHeight)) % geo.inChannels;
    const n = Math.floor(e / (geo.inWidth * geo.inHeight * geo.inChannels));
    const first = Math.floor(ci / geo.inPerGroup) * geo.outPerGroup;
    for (let co = first; co < first + geo.outPerGroup; co++) {
      for (const row of geo.rowTaps[iy]) {
        for (const col of geo.colTaps[ix]) into[count++] = at(n, co, row.out, col.out);
      }
    }
    return count;
  }
  const K = geo.inPerGroup * kernelHeight * kernelWidth;
  const co = tensor === "bias" ? e : Math.floor(e / K);
  const k = e - co * K;
  const [oy0, oy1] =
    tensor === "bias" ? [0, outHeight] : geo.rowRange[Math.floor(k / kernelWidth) % kernelHeight];
  const [ox0, ox1] = tensor === "bias" ? [0, outWidth] : geo.colRange[k % kernelWidth];
  for (let n = 0; n < geo.batch; n++) {
    for (let oy = oy0; oy < oy1; oy++) {
      for (let ox = ox0; ox < ox1; ox++) into[count++] = at(n, co, oy, ox);
    }
  }
  return count;
}
