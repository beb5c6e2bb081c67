import type { Geometry } from "./geometry.js";
import type { Head } from "./head.js";

const f = Math.fround;

/**
 * The reference in single precision: every value is stored as float32 and
 * every operation (each product, each sum, the activation and each loss
 * term) is rounded to float32, as typed-array, WebGL and WebGPU code does.
 * It follows the same loops as the float64 forward pass in conv.ts.
 */
export function forward32(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
): Float64Array {
  const { outHeight, outWidth } = geo;
  const outPlane = outHeight * outWidth;
  const output = new Float64Array(geo.batch * geo.outChannels * outPlane);
  for (let n = 0; n < geo.batch; n++) {
    for (let co = 0; co < geo.outChannels; co++) {
      const outBase = (n * geo.outChannels + co) * outPlane;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          output[outBase + oy * outWidth + ox] = cell32(geo, input, filter, bias, n, co, oy, ox);
        }
      }
    }
  }
  return output;
}

/** One output cell of forward32, its terms rounded and added in forward32's order. */
export function cell32(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
  n: number,
  co: number,
  oy: number,
  ox: number,
): number {
  const { weights, inputs } = scratchTaps(geo);
  const count = realTaps(geo, n, co, oy, ox, weights, inputs);
  let sum = bias ? f(bias[co]) : 0;
  for (let t = 0; t < count; t++) sum = f(sum + f(f(filter[weights[t]]) * f(input[inputs[t]])));
  return sum;
}

/**
 * The taps of output cell (n, co, oy, ox) that land on the input, in the
 * order (c, ky, kx): their filter indices in `weights` and input indices in
 * `inputs`. Returns how many there are.
 */
function realTaps(
  geo: Geometry,
  n: number,
  co: number,
  oy: number,
  ox: number,
  weights: Int32Array,
  inputs: Int32Array,
): number {
  const { inHeight, inWidth, kernelHeight, kernelWidth, inPerGroup, outPerGroup } = geo;
  const firstIn = Math.floor(co / outPerGroup) * inPerGroup;
  let count = 0;
  for (let c = 0; c < inPerGroup; c++) {
    const inBase = (n * geo.inChannels + firstIn + c) * inHeight * inWidth;
    for (let ky = 0; ky < kernelHeight; ky++) {
      const iy = oy * geo.strideHeight - geo.padTop + ky * geo.dilationHeight;
      if (iy < 0 || iy >= inHeight) continue;
      for (let kx = 0; kx < kernelWidth; kx++) {
        const ix = ox * geo.strideWidth - geo.padLeft + kx * geo.dilationWidth;
        if (ix < 0 || ix >= inWidth) continue;
        weights[count] = ((co * inPerGroup + c) * kernelHeight + ky) * kernelWidth + kx;
        inputs[count++] = inBase + iy * inWidth + ix;
      }
    }
  }
  return count;
}

const tapScratch = new WeakMap<Geometry, { weights: Int32Array; inputs: Int32Array }>();

function scratchTaps(geo: Geometry) {
  let found = tapScratch.get(geo);
  if (!found) {
    const K = geo.inPerGroup * geo.kernelHeight * geo.kernelWidth;
    found = { weights: new Int32Array(K), inputs: new Int32Array(K) };
    tapScratch.set(geo, found);
  }
  return found;
}

/** E in float32: each term rounded, then summed in float32. */
export function loss32(head: Head, pre: Float64Array, target: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < pre.length; i++) {
    const y = f(head.activation.apply(pre[i]));
    sum = f(sum + f(head.loss.term(y, f(target[i]), pre.length)));
  }
  return sum;
}

export function activate32(head: Head, pre: Float64Array): Float64Array {
  return pre.map((z) => f(head.activation.apply(z)));
}

/** dE/dz in float32. */
export function headGradient32(head: Head, pre: Float64Array, target: Float64Array): Float64Array {
  return pre.map((z, i) =>
    f(
      f(head.loss.derivative(f(head.activation.apply(z)), f(target[i]), pre.length)) *
        f(head.activation.derivative(z)),
    ),
  );
}

/** The correlation's vector-Jacobian product in float32 (see backward in conv.ts). */
export function backward32(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  dOutput: Float64Array,
  withBias: boolean,
): { filter: Float64Array; input: Float64Array; bias: Float64Array | null } {
  const { outHeight, outWidth } = geo;
  const outPlane = outHeight * outWidth;
  const dFilter = new Float64Array(filter.length);
  const dInput = new Float64Array(input.length);
  const dBias = withBias ? new Float64Array(geo.outChannels) : null;
  const { weights, inputs } = scratchTaps(geo);
  for (let n = 0; n < geo.batch; n++) {
    for (let co = 0; co < geo.outChannels; co++) {
      const outBase = (n * geo.outChannels + co) * outPlane;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const g = f(dOutput[outBase + oy * outWidth + ox]);
          if (dBias) dBias[co] = f(dBias[co] + g);
          const count = realTaps(geo, n, co, oy, ox, weights, inputs);
          for (let t = 0; t < count; t++) {
            const w = weights[t];
            const i = inputs[t];
            dFilter[w] = f(dFilter[w] + f(g * f(input[i])));
            dInput[i] = f(dInput[i] + f(g * f(filter[w])));
          }
        }
      }
    }
  }
  return { filter: dFilter, input: dInput, bias: dBias };
}
