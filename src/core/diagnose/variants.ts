import type { Geometry } from "../geometry.js";
import type { DiagnosisCode } from "./types.js";

/**
 * A correlation with some settings changed, the way a mistaken
 * implementation computes it, on the layer's own output size. Its forward
 * pass and its exact backward pass let a diagnosis ask "is this what your
 * code computes?" for each mistake in turn.
 */
export interface Variant {
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** The filter rotated by 180 degrees: a convolution instead of a correlation. */
  rotate: boolean;
  bias: boolean;
}

export interface NamedVariant {
  code: DiagnosisCode;
  variant: Variant;
  /** What the mistaken code does, completing "your forward ..." or "a backward pass that ...". */
  what: string;
  /** Where to look. */
  fix: string;
}

/** Larger layers skip the variant tests rather than hold millions of taps. */
const MAX_TAPS = 2_000_000;

export function reference(geo: Geometry): Variant {
  return {
    strideHeight: geo.strideHeight,
    strideWidth: geo.strideWidth,
    dilationHeight: geo.dilationHeight,
    dilationWidth: geo.dilationWidth,
    padTop: geo.padTop,
    padLeft: geo.padLeft,
    rotate: false,
    bias: true,
  };
}

const INDEX = "the input row is oy * strideHeight + ky * dilationHeight - padTop (columns alike)";

function strideVariants(geo: Geometry, add: Add): void {
  const fix = "multiply the output position by the stride where each window starts";
  const sh = geo.strideHeight;
  const sw = geo.strideWidth;
  if (sh > 1 && sw > 1) {
    const what =
      "starts the window of output cell (oy, ox) at input (oy, ox) instead of (oy * stride, ox * stride)";
    add("stride-ignored", { strideHeight: 1, strideWidth: 1 }, what, fix);
  }
  if (sh > 1) {
    const what =
      "ignores the vertical stride (windows start at row oy instead of oy * strideHeight)";
    add("stride-ignored", { strideHeight: 1 }, what, fix);
  }
  if (sw > 1) {
    const what =
      "ignores the horizontal stride (windows start at column ox instead of ox * strideWidth)";
    add("stride-ignored", { strideWidth: 1 }, what, fix);
  }
  if (sh !== geo.dilationHeight || sw !== geo.dilationWidth) {
    const swap = {
      strideHeight: geo.dilationHeight,
      strideWidth: geo.dilationWidth,
      dilationHeight: sh,
      dilationWidth: sw,
    };
    const what =
      "multiplies the filter offset by the stride instead of the output position (stride and dilation swapped)";
    add("stride-dilation-swapped", swap, what, INDEX);
  }
}

function paddingVariants(geo: Geometry, add: Add): void {
  const rows = geo.padTop !== geo.padBottom;
  const cols = geo.padLeft !== geo.padRight;
  const fix = "padding is given as [top, bottom, left, right]";
  const pads = `${geo.padTop} top and ${geo.padBottom} bottom`;
  const colPads = `${geo.padLeft} left and ${geo.padRight} right`;
  if (rows)
    add(
      "padding-side",
      { padTop: geo.padBottom },
      `puts the ${pads} padding rows on the wrong sides`,
      fix,
    );
  if (cols)
    add(
      "padding-side",
      { padLeft: geo.padRight },
      `puts the ${colPads} padding columns on the wrong sides`,
      fix,
    );
  if (rows && cols) {
    const what = `puts the padding on the wrong sides (${pads} swapped, ${colPads} swapped)`;
    add("padding-side", { padTop: geo.padBottom, padLeft: geo.padRight }, what, fix);
  }
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      if (dy === 0 && dx === 0) continue;
      const moves = [
        dy ? `one ${dy > 0 ? "more" : "less"} padding row at the top` : "",
        dx ? `one ${dx > 0 ? "more" : "less"} padding column at the left` : "",
      ];
      const what = `reads the input one cell off, as if there were ${moves.filter(Boolean).join(" and ")}`;
      const change = { padTop: geo.padTop + dy, padLeft: geo.padLeft + dx };
      add("shifted", change, what, `the padding is off by one: ${INDEX}`);
    }
  }
}

type Add = (code: DiagnosisCode, change: Partial<Variant>, what: string, fix: string) => void;

/** The mistakes worth testing on this layer (those that can change something). */
export function namedVariants(geo: Geometry, hasBias: boolean): NamedVariant[] {
  const base = reference(geo);
  const list: NamedVariant[] = [];
  const add: Add = (code, change, what, fix) =>
    list.push({ code, variant: { ...base, ...change }, what, fix });

  add(
    "convolution",
    { rotate: true },
    "uses the filter rotated by 180 degrees (a convolution, not a correlation)",
    "index the filter as F[ky][kx], not F[KH-1-ky][KW-1-kx]",
  );
  strideVariants(geo, add);
  paddingVariants(geo, add);
  if (geo.dilationHeight > 1 || geo.dilationWidth > 1) {
    const what =
      "leaves the dilation out (taps next to each other instead of dilation cells apart)";
    add("dilation-ignored", { dilationHeight: 1, dilationWidth: 1 }, what, INDEX);
  }
  if (hasBias)
    add(
      "bias-ignored",
      { bias: false },
      "leaves the bias out",
      "add bias[co] to every cell of output channel co",
    );
  return list;
}

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
