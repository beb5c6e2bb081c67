import { InputError } from "./errors.js";

export type PaddingSpec =
  | number
  | [number, number]
  | [number, number, number, number]
  | "valid"
  | "same";

/** The convolution settings as a fixture states them. */
export interface ConvSpec {
  inputShape: number[];
  filterShape: number[];
  hasBias: boolean;
  stride: [number, number];
  dilation: [number, number];
  padding: PaddingSpec;
  groups: number;
}

/** Which output position and kernel tap meet on one input row (or column). */
export interface Tap {
  out: number;
  kernel: number;
}

/**
 * Everything about the layer's shape, computed once and read by the forward
 * pass, both backward passes, the numerical check, the report and diagnosis.
 * Internally tensors are NCHW: input [batch, inChannels, inHeight, inWidth],
 * filter [outChannels, inChannels / groups, kernelHeight, kernelWidth],
 * output [batch, outChannels, outHeight, outWidth].
 */
export interface Geometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  groups: number;
  inPerGroup: number;
  outPerGroup: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  outHeight: number;
  outWidth: number;
  /** Taps per filter row: the output rows [start, end) whose input row is real. */
  rowRange: Array<[number, number]>;
  colRange: Array<[number, number]>;
  /** For every input row (column), the output rows and kernel rows that read it. */
  rowTaps: Tap[][];
  colTaps: Tap[][];
  /** Shapes as the fixture writes them (leading axes may be left out). */
  inputShape: number[];
  filterShape: number[];
  biasShape: number[] | null;
  outputShape: number[];
}

/** Largest tensor convcheck will allocate, in elements (128 MiB of float64). */
export const MAX_ELEMENTS = 1 << 24;

/**
 * Output size along one axis: the number of window positions that fit in the
 * padded input, where a dilated kernel spans dilation * (kernel - 1) + 1.
 */
export function outputSize(
  inSize: number,
  padBefore: number,
  padAfter: number,
  kernel: number,
  stride: number,
  dilation: number,
): number {
  const span = dilation * (kernel - 1) + 1;
  return Math.floor((inSize + padBefore + padAfter - span) / stride) + 1;
}

/**
 * TensorFlow's 'same': the output keeps ceil(size / stride) positions and the
 * odd pad, if any, goes after (bottom or right).
 */
export function samePadding(
  inSize: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const outSize = Math.ceil(inSize / stride);
  const span = dilation * (kernel - 1) + 1;
  const total = Math.max((outSize - 1) * stride + span - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function resolvePadding(
  padding: PaddingSpec,
  size: { h: number; w: number; kh: number; kw: number },
  stride: [number, number],
  dilation: [number, number],
): [number, number, number, number] {
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    const [top, bottom] = samePadding(size.h, size.kh, stride[0], dilation[0]);
    const [left, right] = samePadding(size.w, size.kw, stride[1], dilation[1]);
    return [top, bottom, left, right];
  }
  if (typeof padding === "number") {
    return [padding, padding, padding, padding];
  }
  if (padding.length === 2) {
    return [padding[0], padding[0], padding[1], padding[1]];
  }
  return [padding[0], padding[1], padding[2], padding[3]];
}

function normaliseShapes(spec: ConvSpec) {
  const { inputShape, filterShape } = spec;
  const [batch, inChannels] =
    inputShape.length === 4
      ? [inputShape[0], inputShape[1]]
      : inputShape.length === 3
        ? [1, inputShape[0]]
        : [1, 1];
  const [inHeight, inWidth] = inputShape.slice(-2);
  const [outChannels, filterIn] =
    filterShape.length === 4 ? [filterShape[0], filterShape[1]] : [1, 1];
  const [kernelHeight, kernelWidth] = filterShape.slice(-2);
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    filterIn,
    kernelHeight,
    kernelWidth,
  };
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Output rows [start, end) for which tap `k` lands inside the input. */
function validRange(
  k: number,
  outSize: number,
  inSize: number,
  padBefore: number,
  stride: number,
  dilation: number,
): [number, number] {
  const offset = k * dilation - padBefore;
  // in = out * stride + offset must satisfy 0 <= in < inSize.
  const start = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(outSize, Math.floor((inSize - 1 - offset) / stride) + 1);
  return [start, Math.max(start, end)];
}

function tapsPerInput(
  inSize: number,
  outSize: number,
  kernel: number,
  padBefore: number,
  stride: number,
  dilation: number,
): Tap[][] {
  const taps: Tap[][] = Array.from({ length: inSize }, () => []);
  for (let out = 0; out < outSize; out++) {
    for (let k = 0; k < kernel; k++) {
      const pos = out * stride + k * dilation - padBefore;
      if (pos >= 0 && pos < inSize) taps[pos].push({ out, kernel: k });
    }
  }
  return taps;
}

/** Check a fixture's convolution settings and derive its geometry. */
export function computeGeometry(spec: ConvSpec): Geometry {
  const s = normaliseShapes(spec);
  const { groups, stride, dilation } = spec;

  if (spec.filterShape.length === 2 && s.inChannels !== 1) {
    throw new InputError(
      "filter",
      `a 2-D filter ${shapeText(spec.filterShape)} needs one input channel, but the input ${shapeText(spec.inputShape)} has ${s.inChannels}; give the filter as [outChannels, ${s.inChannels}, ${s.kernelHeight}, ${s.kernelWidth}]`,
    );
  }
  if (s.inChannels % groups !== 0 || s.outChannels % groups !== 0) {
    throw new InputError(
      "groups",
      `groups ${groups} must divide both the input channels (${s.inChannels}) and the output channels (${s.outChannels})`,
    );
  }
  if (s.filterIn * groups !== s.inChannels) {
    throw new InputError(
      "filter",
      `filter ${shapeText(spec.filterShape)} takes ${count(s.filterIn * groups, "input channel")} (${s.filterIn} per group x ${count(groups, "group")}), but the input ${shapeText(spec.inputShape)} has ${s.inChannels}; the filter's second size must be C / groups = ${s.inChannels / groups}`,
    );
  }

  const [padTop, padBottom, padLeft, padRight] = resolvePadding(
    spec.padding,
    { h: s.inHeight, w: s.inWidth, kh: s.kernelHeight, kw: s.kernelWidth },
    stride,
    dilation,
  );
  const spanHeight = dilation[0] * (s.kernelHeight - 1) + 1;
  const spanWidth = dilation[1] * (s.kernelWidth - 1) + 1;
  const paddedHeight = s.inHeight + padTop + padBottom;
  const paddedWidth = s.inWidth + padLeft + padRight;
  if (spanHeight > paddedHeight || spanWidth > paddedWidth) {
    throw new InputError(
      "filter",
      `the kernel spans ${spanHeight}x${spanWidth} (dilation included) but the padded input is only ${paddedHeight}x${paddedWidth}; use a smaller kernel or dilation, or more padding`,
    );
  }
  const outHeight = outputSize(
    s.inHeight,
    padTop,
    padBottom,
    s.kernelHeight,
    stride[0],
    dilation[0],
  );
  const outWidth = outputSize(s.inWidth, padLeft, padRight, s.kernelWidth, stride[1], dilation[1]);
  // Refuse before anything of these sizes is allocated.
  const paddedCount = paddedHeight * paddedWidth;
  if (paddedCount > MAX_ELEMENTS) {
    throw new InputError(
      "padding",
      `pads (top ${padTop}, bottom ${padBottom}, left ${padLeft}, right ${padRight}) make a padded input of ${paddedHeight}x${paddedWidth} = ${paddedCount} cells; convcheck holds at most ${MAX_ELEMENTS} cells per tensor (see "Fixture format" in the README)`,
    );
  }
  const outCount = s.batch * s.outChannels * outHeight * outWidth;
  if (outCount > MAX_ELEMENTS) {
    throw new InputError(
      "target",
      `the output [${s.batch}, ${s.outChannels}, ${outHeight}, ${outWidth}] would have ${outCount} cells; convcheck holds at most ${MAX_ELEMENTS} cells per tensor (see "Fixture format" in the README)`,
    );
  }

  const inputShape = [...spec.inputShape];
  const outputShape =
    inputShape.length === 4
      ? [s.batch, s.outChannels, outHeight, outWidth]
      : inputShape.length === 3 || s.outChannels > 1
        ? [s.outChannels, outHeight, outWidth]
        : [outHeight, outWidth];

  const range = (k: number, axis: 0 | 1) =>
    axis === 0
      ? validRange(k, outHeight, s.inHeight, padTop, stride[0], dilation[0])
      : validRange(k, outWidth, s.inWidth, padLeft, stride[1], dilation[1]);

  return {
    batch: s.batch,
    inChannels: s.inChannels,
    inHeight: s.inHeight,
    inWidth: s.inWidth,
    outChannels: s.outChannels,
    groups,
    inPerGroup: s.inChannels / groups,
    outPerGroup: s.outChannels / groups,
    kernelHeight: s.kernelHeight,
    kernelWidth: s.kernelWidth,
    strideHeight: stride[0],
    strideWidth: stride[1],
    dilationHeight: dilation[0],
    dilationWidth: dilation[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
    outHeight,
    outWidth,
    rowRange: Array.from({ length: s.kernelHeight }, (_, k) => range(k, 0)),
    colRange: Array.from({ length: s.kernelWidth }, (_, k) => range(k, 1)),
    rowTaps: tapsPerInput(s.inHeight, outHeight, s.kernelHeight, padTop, stride[0], dilation[0]),
    colTaps: tapsPerInput(s.inWidth, outWidth, s.kernelWidth, padLeft, stride[1], dilation[1]),
    inputShape,
    filterShape: [...spec.filterShape],
    biasShape: spec.hasBias ? [s.outChannels] : null,
    outputShape,
  };
}

/** Input rows and columns that no window reads. */
export function unusedRowsAndCols(geo: Geometry) {
  const rows: number[] = [];
  const cols: number[] = [];
  geo.rowTaps.forEach((taps, i) => {
    if (taps.length === 0) rows.push(i);
  });
  geo.colTaps.forEach((taps, i) => {
    if (taps.length === 0) cols.push(i);
  });
  return { rows, cols };
}

/** Filter taps [ky, kx] that only ever land in padding. */
export function paddingOnlyTaps(geo: Geometry): Array<[number, number]> {
  const taps: Array<[number, number]> = [];
  for (let ky = 0; ky < geo.kernelHeight; ky++) {
    for (let kx = 0; kx < geo.kernelWidth; kx++) {
      const [r0, r1] = geo.rowRange[ky];
      const [c0, c1] = geo.colRange[kx];
      if (r0 >= r1 || c0 >= c1) taps.push([ky, kx]);
    }
  }
  return taps;
}
