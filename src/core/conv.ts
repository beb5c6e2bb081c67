import type { Geometry } from "./geometry.js";

/**
 * Index convention in every loop below: `oy, ox` output, `ky, kx` kernel,
 * `iy, ix` input, with iy = oy * strideHeight - padTop + ky * dilationHeight
 * (and likewise for columns). Taps that land in the zero padding are skipped
 * by starting and ending each output loop at the rows where the tap is real
 * (`rowRange`, `colRange`), so no bounds test runs inside the inner loop.
 */

/** O[n][co][oy][ox] = b[co] + sum_{ci,ky,kx} I[n][ci][iy][ix] * F[co][ci][ky][kx] */
export function forward(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  bias: Float64Array | null,
): Float64Array {
  const { outHeight, outWidth, inHeight, inWidth } = geo;
  const { kernelHeight, kernelWidth, inPerGroup, outPerGroup } = geo;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = geo;
  const outPlane = outHeight * outWidth;
  const inPlane = inHeight * inWidth;
  const output = new Float64Array(geo.batch * geo.outChannels * outPlane);

  for (let n = 0; n < geo.batch; n++) {
    for (let co = 0; co < geo.outChannels; co++) {
      const outBase = (n * geo.outChannels + co) * outPlane;
      if (bias) output.fill(bias[co], outBase, outBase + outPlane);
      const firstIn = Math.floor(co / outPerGroup) * inPerGroup;
      for (let c = 0; c < inPerGroup; c++) {
        const inBase = (n * geo.inChannels + firstIn + c) * inPlane;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const [oy0, oy1] = geo.rowRange[ky];
          const rowOffset = ky * dilationHeight - geo.padTop;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const [ox0, ox1] = geo.colRange[kx];
            const colOffset = kx * dilationWidth - geo.padLeft;
            const w = filter[((co * inPerGroup + c) * kernelHeight + ky) * kernelWidth + kx];
            for (let oy = oy0; oy < oy1; oy++) {
              const outRow = outBase + oy * outWidth;
              const inRow = inBase + (oy * strideHeight + rowOffset) * inWidth + colOffset;
              for (let ox = ox0; ox < ox1; ox++) {
                output[outRow + ox] += w * input[inRow + ox * strideWidth];
              }
            }
          }
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
 * dE/dF[co][ci][ky][kx] = sum_{n,oy,ox} dO[n][co][oy][ox] * I[n][ci][iy][ix]
 * dE/dI[n][ci][iy][ix]  = sum_{co,ky,kx} dO[n][co][oy][ox] * F[co][ci][ky][kx]
 * dE/db[co]             = sum_{n,oy,ox} dO[n][co][oy][ox]
 * walking the same loops as the forward pass.
 */
export function backward(
  geo: Geometry,
  input: Float64Array,
  filter: Float64Array,
  dOutput: Float64Array,
  withBias: boolean,
): Gradients {
  const { outHeight, outWidth, inHeight, inWidth } = geo;
  const { kernelHeight, kernelWidth, inPerGroup, outPerGroup } = geo;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = geo;
  const outPlane = outHeight * outWidth;
  const inPlane = inHeight * inWidth;
  const dFilter = new Float64Array(filter.length);
  const dInput = new Float64Array(input.length);
  const dBias = withBias ? new Float64Array(geo.outChannels) : null;

  for (let n = 0; n < geo.batch; n++) {
    for (let co = 0; co < geo.outChannels; co++) {
      const outBase = (n * geo.outChannels + co) * outPlane;
      if (dBias) {
        let sum = 0;
        for (let o = outBase; o < outBase + outPlane; o++) sum += dOutput[o];
        dBias[co] += sum;
      }
      const firstIn = Math.floor(co / outPerGroup) * inPerGroup;
      for (let c = 0; c < inPerGroup; c++) {
        const inBase = (n * geo.inChannels + firstIn + c) * inPlane;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const [oy0, oy1] = geo.rowRange[ky];
          const rowOffset = ky * dilationHeight - geo.padTop;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const [ox0, ox1] = geo.colRange[kx];
            const colOffset = kx * dilationWidth - geo.padLeft;
            const f = ((co * inPerGroup + c) * kernelHeight + ky) * kernelWidth + kx;
            const w = filter[f];
            let dw = 0;
            for (let oy = oy0; oy < oy1; oy++) {
              const outRow = outBase + oy * outWidth;
              const inRow = inBase + (oy * strideHeight + rowOffset) * inWidth + colOffset;
              for (let ox = ox0; ox < ox1; ox++) {
                const g = dOutput[outRow + ox];
                const i = inRow + ox * strideWidth;
                dw += g * input[i];
                dInput[i] += g * w;
              }
            }
            dFilter[f] += dw;
          }
        }
      }
    }
  }
  return { filter: dFilter, input: dInput, bias: dBias };
}
