import type { Geometry } from "../geometry.js";
import type { Variant } from "./variants.js";

/** Larger layers skip the variant tests rather than hold millions of taps. */
const MAX_TAPS = 2_000_000;

/** (output, input, filter) flat indices of every tap that lands inside the input. */
function taps(geo: Geometry, v: Variant): Int32Array | null {
  const { outHeight, outWidth, inHeight, inWidth, kernelHeight, kernelWidth, inPerGroup } = geo;
  if (
    geo.batch * geo.outChannels * outHeight * outWidth * inPerGroup * kernelHeight * kernelWidth >
    MAX_TAPS
  ) {
    return null;
  }
  const list: number[] = [];
  for (let n = 0; n < geo.batch; n++) {
    for (let co = 0; co < geo.outChannels; co++) {
      const firstIn = Math.floor(co / geo.outPerGroup) * inPerGroup;
      for (let c = 0; c < inPerGroup; c++) {
        const inBase = (n * geo.inChannels + firstIn + c) * inHeight;
        const filterBase = (co * inPerGroup + c) * kernelHeight;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++) {
            const o = ((n * geo.outChannels + co) * outHeight + oy) * outWidth + ox;
            // iy = oy * strideHeight - padTop + ky * dilationHeight, as in the reference.
            for (let ky = 0; ky < kernelHeight; ky++) {
              const iy = oy * v.strideHeight - v.padTop + ky * v.dilationHeight;
              if (iy < 0 || iy >= inHeight) continue;
              const fy = v.rotate ? kernelHeight - 1 - ky : ky;
              for (let kx = 0; kx < kernelWidth; kx++) {
                const ix = ox * v.strideWidth - v.padLeft + kx * v.dilationWidth;
                if (ix < 0 || ix >= inWidth) continue;
                const fx = v.rotate ? kernelWidth - 1 - kx : kx;
                list.push(o, (inBase + iy) * inWidth + ix, (filterBase + fy) * kernelWidth + fx);
              }
            }
          }
        }
      }
    }
  }
  return Int32Array.from(list);
}

export interface VariantPasses {
  forward(input: Float64Array, filter: Float64Array, bias: Float64Array | null): Float64Array;
  backward(
    input: Float64Array,
    filter: Float64Array,
    dOutput: Float64Array,
  ): Record<"filter" | "input" | "bias", Float64Array>;
}

/** The variant's forward and backward passes, or null when the layer is too large to test. */
export function variantPasses(geo: Geometry, v: Variant): VariantPasses | null {
  const list = taps(geo, v);
  if (!list) return null;
  const outPlane = geo.outHeight * geo.outWidth;
  const outCount = geo.batch * geo.outChannels * outPlane;
  return {
    forward(input, filter, bias) {
      const output = new Float64Array(outCount);
      if (bias && v.bias) {
        for (let o = 0; o < outCount; o++)
          output[o] = bias[Math.floor(o / outPlane) % geo.outChannels];
      }
      for (let t = 0; t < list.length; t += 3)
        output[list[t]] += input[list[t + 1]] * filter[list[t + 2]];
      return output;
    },
    backward(input, filter, dOutput) {
      const dFilter = new Float64Array(filter.length);
      const dInput = new Float64Array(input.length);
      const dBias = new Float64Array(geo.outChannels);
      for (let t = 0; t < list.length; t += 3) {
        const g = dOutput[list[t]];
        dFilter[list[t + 2]] += g * input[list[t + 1]];
        dInput[list[t + 1]] += g * filter[list[t + 2]];
      }
      if (v.bias)
        for (let o = 0; o < outCount; o++)
          dBias[Math.floor(o / outPlane) % geo.outChannels] += dOutput[o];
      return { filter: dFilter, input: dInput, bias: dBias };
    },
  };
}
