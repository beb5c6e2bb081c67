import { col2imAdd, im2col, rowLengthOf, scratchArray } from "./columns.js";
import type { Geometry } from "./geometry.js";

/**
 * Both passes work on the im2col layout (columns.ts): within a group, the
 * output is the product of the filter rows [outPerGroup x K] with the
 * columns [outPlane x K], each output cell one contiguous dot product.
 * Loops take two output cells and four output channels at a time, so every
 * value loaded from memory feeds several sums; remainders run one at a time.
 */

/** O[n][co][p] = b[co] + sum_k columns[n, g][p][k] * F[co][k] */
export function forward(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
): Float64Array {
  const count = geo.batch * geo.groups * geo.outHeight * geo.outWidth * rowLengthOf(geo);
  const columns = scratchArray("forward", count);
  return forwardColumns(geo, im2col(geo, input, columns), filter, bias);
}

/** The forward pass from the input's columns, into `output` when given. */
export function forwardColumns(
  geo: Geometry,
  cols: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
  output = new Float64Array(geo.batch * geo.outChannels * geo.outHeight * geo.outWidth),
): Float64Array {
  const K = rowLengthOf(geo);
  const outPlane = geo.outHeight * geo.outWidth;
  const { outPerGroup, outChannels } = geo;

  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const rows = (n * geo.groups + g) * outPlane;
      const firstOut = g * outPerGroup;
      const lastOut = firstOut + outPerGroup;
      const outBase = n * outChannels * outPlane;
      let p = 0;
      for (; p + 1 < outPlane; p += 2) {
        const a0 = (rows + p) * K;
        const a1 = a0 + K;
        let co = firstOut;
        for (; co + 3 < lastOut; co += 4) {
          const f0 = co * K;
          const f1 = f0 + K;
          const f2 = f1 + K;
          const f3 = f2 + K;
          let s00 = bias ? bias[co] : 0;
          let s10 = bias ? bias[co + 1] : 0;
          let s20 = bias ? bias[co + 2] : 0;
          let s30 = bias ? bias[co + 3] : 0;
          let s01 = s00;
          let s11 = s10;
          let s21 = s20;
          let s31 = s30;
          for (let j = 0; j < K; j++) {
            const c0 = cols[a0 + j];
            const c1 = cols[a1 + j];
            const w0 = filter[f0 + j];
            const w1 = filter[f1 + j];
            const w2 = filter[f2 + j];
            const w3 = filter[f3 + j];
            s00 += c0 * w0;
            s01 += c1 * w0;
            s10 += c0 * w1;
            s11 += c1 * w1;
            s20 += c0 * w2;
            s21 += c1 * w2;
            s30 += c0 * w3;
            s31 += c1 * w3;
          }
          const o = outBase + co * outPlane + p;
          output[o] = s00;
          output[o + 1] = s01;
          output[o + outPlane] = s10;
          output[o + outPlane + 1] = s11;
          output[o + 2 * outPlane] = s20;
          output[o + 2 * outPlane + 1] = s21;
          output[o + 3 * outPlane] = s30;
          output[o + 3 * outPlane + 1] = s31;
        }
        for (; co < lastOut; co++) {
          const f = co * K;
          let s0 = bias ? bias[co] : 0;
          let s1 = s0;
          for (let j = 0; j < K; j++) {
            const w = filter[f + j];
            s0 += cols[a0 + j] * w;
            s1 += cols[a1 + j] * w;
          }
          output[outBase + co * outPlane + p] = s0;
          output[outBase + co * outPlane + p + 1] = s1;
        }
      }
      for (; p < outPlane; p++) {
        const a = (rows + p) * K;
        for (let co = firstOut; co < lastOut; co++) {
          const f = co * K;
          let s = bias ? bias[co] : 0;
          for (let j = 0; j < K; j++) s += cols[a + j] * filter[f + j];
          output[outBase + co * outPlane + p] = s;
        }
      }
    }
  }
  return output;
}

export interface Gradients {
  filter: Float64Array;
  input: Float64Array;
  bias: Float64Array | null;
}

/**
 * The vector-Jacobian product of the correlation: given dE/dO, return
 * dE/dF[co][k]          = sum_{n,p} dO[n][co][p] * columns[n, g][p][k]
 * dE/dcolumns[n, g][p][k] = sum_{co in g} dO[n][co][p] * F[co][k]
 * dE/dI                 = dE/dcolumns folded back onto the input (col2im)
 * dE/db[co]             = sum_{n,p} dO[n][co][p]
 * walking the output cells two at a time and the channels four at a time.
 */
export function backward(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  dOutput: Float64Array,
  withBias: boolean,
): Gradients {
  const K = rowLengthOf(geo);
  const outPlane = geo.outHeight * geo.outWidth;
  const { outPerGroup, outChannels } = geo;
  const count = geo.batch * geo.groups * outPlane * K;
  const cols = im2col(geo, input, scratchArray("backward", count));
  const dCols = scratchArray("dColumns", count).fill(0);
  const dFilter = new Float64Array(filter.length);
  const dInput = new Float64Array(input.length);
  const dBias = withBias ? new Float64Array(outChannels) : null;

  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const rows = (n * geo.groups + g) * outPlane;
      const firstOut = g * outPerGroup;
      const lastOut = firstOut + outPerGroup;
      const dOutBase = n * outChannels * outPlane;
      let p = 0;
      for (; p + 1 < outPlane; p += 2) {
        const a0 = (rows + p) * K;
        const a1 = a0 + K;
        let co = firstOut;
        for (; co + 3 < lastOut; co += 4) {
          const o = dOutBase + co * outPlane + p;
          const g00 = dOutput[o];
          const g01 = dOutput[o + 1];
          const g10 = dOutput[o + outPlane];
          const g11 = dOutput[o + outPlane + 1];
          const g20 = dOutput[o + 2 * outPlane];
          const g21 = dOutput[o + 2 * outPlane + 1];
          const g30 = dOutput[o + 3 * outPlane];
          const g31 = dOutput[o + 3 * outPlane + 1];
          const f0 = co * K;
          const f1 = f0 + K;
          const f2 = f1 + K;
          const f3 = f2 + K;
          for (let j = 0; j < K; j++) {
            const c0 = cols[a0 + j];
            const c1 = cols[a1 + j];
            dFilter[f0 + j] += g00 * c0 + g01 * c1;
            dFilter[f1 + j] += g10 * c0 + g11 * c1;
            dFilter[f2 + j] += g20 * c0 + g21 * c1;
            dFilter[f3 + j] += g30 * c0 + g31 * c1;
          }
          for (let j = 0; j < K; j++) {
            const w0 = filter[f0 + j];
            const w1 = filter[f1 + j];
            const w2 = filter[f2 + j];
            const w3 = filter[f3 + j];
            dCols[a0 + j] += g00 * w0 + g10 * w1 + (g20 * w2 + g30 * w3);
            dCols[a1 + j] += g01 * w0 + g11 * w1 + (g21 * w2 + g31 * w3);
          }
        }
        for (; co < lastOut; co++) {
          const o = dOutBase + co * outPlane + p;
          const g0 = dOutput[o];
          const g1 = dOutput[o + 1];
          const f = co * K;
          for (let j = 0; j < K; j++) {
            const w = filter[f + j];
            dFilter[f + j] += g0 * cols[a0 + j] + g1 * cols[a1 + j];
            dCols[a0 + j] += g0 * w;
            dCols[a1 + j] += g1 * w;
          }
        }
      }
      for (; p < outPlane; p++) {
        const a = (rows + p) * K;
        for (let co = firstOut; co < lastOut; co++) {
          const g0 = dOutput[dOutBase + co * outPlane + p];
          const f = co * K;
          for (let j = 0; j < K; j++) {
            dFilter[f + j] += g0 * cols[a + j];
            dCols[a + j] += g0 * filter[f + j];
          }
        }
      }
    }
  }
  col2imAdd(geo, dCols, dInput);
  if (dBias) {
    for (let n = 0; n < geo.batch; n++) {
      for (let co = 0; co < outChannels; co++) {
        const base = (n * outChannels + co) * outPlane;
        let sum = 0;
        for (let p = base; p < base + outPlane; p++) sum += dOutput[p];
        dBias[co] += sum;
      }
    }
  }
  return { filter: dFilter, input: dInput, bias: dBias };
}
