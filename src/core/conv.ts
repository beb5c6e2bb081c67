import { backwardBlock, backwardFew, forwardBlock, forwardFew } from "./blocks.js";
import { col2imAdd, im2col, rowLengthOf, scratchArray } from "./columns.js";
import type { Geometry } from "./geometry.js";

/**
 * Both passes work on the im2col layout (columns.ts): within a group, the
 * output is the product of the filter rows [outPerGroup x K] with the
 * columns [outPlane x K], each output cell one contiguous dot product.
 * Loops take two output cells and four output channels at a time (blocks.ts),
 * so every value loaded from memory feeds several sums; remainders run one
 * channel at a time.
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
  const plane = geo.outHeight * geo.outWidth;
  const { outPerGroup, outChannels } = geo;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const rows = (n * geo.groups + g) * plane;
      const firstOut = g * outPerGroup;
      const lastOut = firstOut + outPerGroup;
      for (let p = 0; p < plane; p += 2) {
        const a = (rows + p) * K;
        const cells = Math.min(2, plane - p);
        let co = firstOut;
        for (; cells === 2 && co + 3 < lastOut; co += 4) {
          forwardBlock(
            cols,
            a,
            filter,
            co,
            K,
            bias,
            output,
            (n * outChannels + co) * plane + p,
            plane,
          );
        }
        for (; co < lastOut; co++) {
          forwardFew(
            cols,
            a,
            cells,
            filter,
            co,
            K,
            bias,
            output,
            (n * outChannels + co) * plane + p,
          );
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
      for (let p = 0; p < outPlane; p += 2) {
        const a = (rows + p) * K;
        const cells = Math.min(2, outPlane - p);
        let co = firstOut;
        for (; cells === 2 && co + 3 < lastOut; co += 4) {
          const o = (n * outChannels + co) * outPlane + p;
          backwardBlock(cols, dCols, a, filter, dFilter, co, K, dOutput, o, outPlane);
        }
        for (; co < lastOut; co++) {
          const o = (n * outChannels + co) * outPlane + p;
          backwardFew(cols, dCols, a, cells, filter, dFilter, co, K, dOutput, o);
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
