import { backwardBlock, backwardFew, forwardPaddedBlock, forwardPaddedOne } from "./blocks.js";
import {
  col2imAdd,
  columnsLayout,
  im2col,
  type PaddedLayout,
  paddedLayout,
  padInput,
  rowLengthOf,
  scratchArray,
} from "./columns.js";
import type { Geometry } from "./geometry.js";

/**
 * Both passes work on the im2col layout (columns.ts): within a group, the
 * output is the product of the filter rows [outPerGroup x K] with the
 * columns [outPlane x K], each output cell one contiguous dot product.
 * Loops take two output cells and four output channels at a time (blocks.ts),
 * so every value loaded from memory feeds several sums; remainders run one
 * channel at a time. The forward pass reads each window through a table of
 * tap offsets (columns.ts, PaddedLayout): from a zero-padded copy of the
 * input, which saves laying out K values per output cell, or from the
 * columns themselves; both give the same sums.
 */

/**
 * O[n][co][p] = b[co] + sum_k columns[n, g][p][k] * F[co][k], read from the
 * zero-padded input without laying out the columns, unless the padded input
 * would be the larger of the two (large padding with large strides).
 */
export function forward(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
): Float64Array {
  const count = geo.batch * geo.groups * geo.outHeight * geo.outWidth * rowLengthOf(geo);
  const layout = paddedLayout(geo);
  if (layout.size <= count) {
    const padded = padInput(geo, layout, input, scratchArray("padded", layout.size));
    return forwardWindows(geo, layout, padded, filter, bias);
  }
  const columns = scratchArray("forward", count);
  return forwardColumns(geo, im2col(geo, input, columns), filter, bias);
}

/**
 * The forward pass over windows laid out by `layout` in `padded`: the
 * zero-padded input (paddedLayout) or the columns (columnsLayout).
 */
function forwardWindows(
  geo: Geometry,
  layout: PaddedLayout,
  padded: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
  output: Float64Array = new Float64Array(
    geo.batch * geo.outChannels * geo.outHeight * geo.outWidth,
  ),
): Float64Array {
  const { taps, cells, groupSize } = layout;
  const K = taps.length;
  const plane = cells.length;
  const { outPerGroup, outChannels } = geo;
  for (let n = 0; n < geo.batch; n++) {
    for (let g = 0; g < geo.groups; g++) {
      const base = (n * geo.groups + g) * groupSize;
      const firstOut = g * outPerGroup;
      const lastOut = firstOut + outPerGroup;
      let p = 0;
      for (; p + 1 < plane; p += 2) {
        const b0 = base + cells[p];
        const b1 = base + cells[p + 1];
        let co = firstOut;
        for (; co + 3 < lastOut; co += 4) {
          const o = (n * outChannels + co) * plane + p;
          forwardPaddedBlock(padded, b0, b1, taps, filter, co, K, bias, output, o, plane);
        }
        for (; co < lastOut; co++) {
          const o = (n * outChannels + co) * plane + p;
          forwardPaddedOne(padded, b0, taps, filter, co, K, bias, output, o);
          forwardPaddedOne(padded, b1, taps, filter, co, K, bias, output, o + 1);
        }
      }
      if (p < plane) {
        const b = base + cells[p];
        for (let co = firstOut; co < lastOut; co++) {
          forwardPaddedOne(
            padded,
            b,
            taps,
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

/** The forward pass from the input's columns, into `output` when given. */
export function forwardColumns(
  geo: Geometry,
  cols: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
  output?: Float64Array,
): Float64Array {
  return forwardWindows(geo, columnsLayout(geo), cols, filter, bias, output);
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
