/**
 * An independent reference for the correlation and its gradients, written
 * from the textbook formula alone: no precomputed ranges, no im2col, every
 * tap tested against the input's bounds. Slow, obvious, and separate from
 * src/core so that a shared mistake cannot hide.
 */

export interface NaiveLayer {
  batch: number;
  inChannels: number;
  height: number;
  width: number;
  outChannels: number;
  groups: number;
  kernelHeight: number;
  kernelWidth: number;
  stride: [number, number];
  dilation: [number, number];
  /** top, bottom, left, right */
  pads: [number, number, number, number];
}

export type NaivePadding =
  | number
  | [number, number]
  | [number, number, number, number]
  | "valid"
  | "same";

/** 'same' by its definition: ceil(size / stride) outputs, the odd pad after. */
function samePads(size: number, kernel: number, stride: number, dilation: number) {
  const outSize = Math.ceil(size / stride);
  const needed = (outSize - 1) * stride + (kernel - 1) * dilation + 1;
  const total = Math.max(needed - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function naivePads(
  padding: NaivePadding,
  size: [number, number],
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
): [number, number, number, number] {
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    const [top, bottom] = samePads(size[0], kernel[0], stride[0], dilation[0]);
    const [left, right] = samePads(size[1], kernel[1], stride[1], dilation[1]);
    return [top, bottom, left, right];
  }
  if (typeof padding === "number") return [padding, padding, padding, padding];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  return [...padding];
}

/** Count the window positions by sliding the window until it no longer fits. */
export function naiveOutputSize(layer: NaiveLayer): [number, number] {
  const [top, bottom, left, right] = layer.pads;
  const lastRow = layer.height + top + bottom - 1;
  const lastCol = layer.width + left + right - 1;
  let outHeight = 0;
  while (outHeight * layer.stride[0] + (layer.kernelHeight - 1) * layer.dilation[0] <= lastRow) {
    outHeight++;
  }
  let outWidth = 0;
  while (outWidth * layer.stride[1] + (layer.kernelWidth - 1) * layer.dilation[1] <= lastCol) {
    outWidth++;
  }
  return [outHeight, outWidth];
}

interface Visit {
  output: number;
  input: number;
  filter: number;
  co: number;
}

/**
 * Every (output cell, input cell, filter cell) triple that the correlation
 * multiplies, in a direct seven-deep loop:
 * O[n][co][oy][ox] += I[n][g*Cg + ci][oy*sh - top + ky*dh][ox*sw - left + kx*dw]
 *                     * F[co][ci][ky][kx],   g = floor(co / (Cout / groups)).
 */
function eachProduct(layer: NaiveLayer, visit: (v: Visit) => void): void {
  const [outHeight, outWidth] = naiveOutputSize(layer);
  const { batch, inChannels, height, width, outChannels, groups } = layer;
  const { kernelHeight, kernelWidth } = layer;
  const inPerGroup = inChannels / groups;
  const outPerGroup = outChannels / groups;
  for (let n = 0; n < batch; n++) {
    for (let co = 0; co < outChannels; co++) {
      const group = Math.floor(co / outPerGroup);
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let ci = 0; ci < inPerGroup; ci++) {
            for (let ky = 0; ky < kernelHeight; ky++) {
              for (let kx = 0; kx < kernelWidth; kx++) {
                const iy = oy * layer.stride[0] - layer.pads[0] + ky * layer.dilation[0];
                const ix = ox * layer.stride[1] - layer.pads[2] + kx * layer.dilation[1];
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                const c = group * inPerGroup + ci;
                visit({
                  output: ((n * outChannels + co) * outHeight + oy) * outWidth + ox,
                  input: ((n * inChannels + c) * height + iy) * width + ix,
                  filter: ((co * inPerGroup + ci) * kernelHeight + ky) * kernelWidth + kx,
                  co,
                });
              }
            }
          }
        }
      }
    }
  }
}

export function naiveForward(
  layer: NaiveLayer,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  bias: ArrayLike<number> | null,
): number[] {
  const [outHeight, outWidth] = naiveOutputSize(layer);
  const plane = outHeight * outWidth;
  const output = new Array<number>(layer.batch * layer.outChannels * plane).fill(0);
  if (bias) {
    for (let o = 0; o < output.length; o++) {
      output[o] = bias[Math.floor(o / plane) % layer.outChannels];
    }
  }
  eachProduct(layer, (v) => {
    output[v.output] += input[v.input] * filter[v.filter];
  });
  return output;
}

/** dE/dF, dE/dI and dE/db from dE/dO, by the chain rule on every product. */
export function naiveBackward(
  layer: NaiveLayer,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  dOutput: ArrayLike<number>,
  withBias: boolean,
) {
  const dFilter = new Array<number>(filter.length).fill(0);
  const dInput = new Array<number>(input.length).fill(0);
  eachProduct(layer, (v) => {
    dFilter[v.filter] += dOutput[v.output] * input[v.input];
    dInput[v.input] += dOutput[v.output] * filter[v.filter];
  });
  let dBias: number[] | null = null;
  if (withBias) {
    const [outHeight, outWidth] = naiveOutputSize(layer);
    const plane = outHeight * outWidth;
    dBias = new Array<number>(layer.outChannels).fill(0);
    for (let o = 0; o < dOutput.length; o++) {
      dBias[Math.floor(o / plane) % layer.outChannels] += dOutput[o];
    }
  }
  return { dFilter, dInput, dBias };
}

/** The output, E = 1/2 sum (O - T)^2 and its gradients. */
export function naiveGradients(
  layer: NaiveLayer,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  target: ArrayLike<number>,
) {
  const output = naiveForward(layer, input, filter, bias);
  const dOutput = output.map((o, i) => o - target[i]);
  const loss = 0.5 * dOutput.reduce((sum, d) => sum + d * d, 0);
  return { output, loss, ...naiveBackward(layer, input, filter, dOutput, bias !== null) };
}
