import { type Geometry, outputSize } from "../geometry.js";
import type { DiagnosedTensor, Diagnosis, DiagnosisCode } from "./types.js";

interface Axis {
  name: "rows" | "columns";
  inSize: number;
  before: number;
  after: number;
  kernel: number;
  stride: number;
  dilation: number;
}

interface SizeMistake {
  code: DiagnosisCode;
  /** The size the mistaken formula gives, or null when it cannot differ. */
  size: (a: Axis) => number | null;
  why: string;
}

/** Output-size formulas people get wrong, each as the size it produces. */
const SIZE_MISTAKES: SizeMistake[] = [
  {
    code: "dilation-ignored",
    size: (a) =>
      a.dilation === 1 ? null : outputSize(a.inSize, a.before, a.after, a.kernel, a.stride, 1),
    why: "leaving dilation out of the output-size formula (a dilated kernel spans dilation * (kernel - 1) + 1 input cells)",
  },
  {
    code: "stride-ignored",
    size: (a) =>
      a.stride === 1 ? null : outputSize(a.inSize, a.before, a.after, a.kernel, 1, a.dilation),
    why: "leaving the stride out of the output-size formula (floor((size + pads - span) / stride) + 1)",
  },
  {
    code: "shape",
    size: (a) => outputSize(a.inSize, 0, 0, a.kernel, a.stride, a.dilation),
    why: "leaving the padding out of the output-size formula",
  },
  {
    code: "shape",
    size: (a) => {
      const span = a.dilation * (a.kernel - 1) + 1;
      return Math.ceil((a.inSize + a.before + a.after - span) / a.stride) + 1;
    },
    why: "rounding up instead of down in the output-size formula (a window must fit inside the padded input)",
  },
];

function axes(geo: Geometry): [Axis, Axis] {
  return [
    {
      name: "rows",
      inSize: geo.inHeight,
      before: geo.padTop,
      after: geo.padBottom,
      kernel: geo.kernelHeight,
      stride: geo.strideHeight,
      dilation: geo.dilationHeight,
    },
    {
      name: "columns",
      inSize: geo.inWidth,
      before: geo.padLeft,
      after: geo.padRight,
      kernel: geo.kernelWidth,
      stride: geo.strideWidth,
      dilation: geo.dilationWidth,
    },
  ];
}

const text = (shape: readonly number[]) => `[${shape.join(", ")}]`;

function expectedShape(geo: Geometry, tensor: DiagnosedTensor): number[] {
  if (tensor === "output") return geo.outputShape;
  if (tensor === "filter") return geo.filterShape;
  if (tensor === "input") return geo.inputShape;
  return geo.biasShape ?? [];
}

/** Why `found` might have come out instead of the tensor's shape; empty when nothing fits. */
export function diagnoseShape(
  geo: Geometry,
  tensor: DiagnosedTensor,
  found: readonly number[],
): Diagnosis[] {
  const want = expectedShape(geo, tensor);
  const rank = want.length;
  const diagnoses: Diagnosis[] = [];
  const add = (code: DiagnosisCode, message: string) => diagnoses.push({ code, tensor, message });
  if (found.length !== rank || rank < 2) return diagnoses;
  const lead = want.slice(0, -2);
  if (found.slice(0, -2).some((extent, i) => extent !== lead[i])) return diagnoses;
  const [height, width] = found.slice(-2);
  const [wantHeight, wantWidth] = want.slice(-2);

  if (height === wantWidth && width === wantHeight && height !== width) {
    add(
      "transposed",
      `${text(found)} has rows and columns swapped: the ${tensor} is ${text(want)}`,
    );
  }
  if (tensor === "input") {
    const paddedHeight = geo.inHeight + geo.padTop + geo.padBottom;
    const paddedWidth = geo.inWidth + geo.padLeft + geo.padRight;
    if (
      height === paddedHeight &&
      width === paddedWidth &&
      (height !== wantHeight || width !== wantWidth)
    ) {
      add(
        "padding-included",
        `${text(found)} is the padded input: drop the ${geo.padTop} top, ${geo.padBottom} bottom, ${geo.padLeft} left and ${geo.padRight} right padding rows and columns from dE/dInput`,
      );
    }
  }
  if (tensor !== "output") return diagnoses;

  const [rows, cols] = axes(geo);
  for (const mistake of SIZE_MISTAKES) {
    const mh = mistake.size(rows) ?? wantHeight;
    const mw = mistake.size(cols) ?? wantWidth;
    const rowsMatch = height === mh && mh !== wantHeight;
    const colsMatch = width === mw && mw !== wantWidth;
    const rowsOk = height === wantHeight;
    const colsOk = width === wantWidth;
    if ((rowsMatch && (colsMatch || colsOk)) || (colsMatch && rowsOk)) {
      const where = rowsMatch && colsMatch ? "" : ` (in the ${rowsMatch ? "rows" : "columns"})`;
      add(mistake.code, `${text(found)} is the size you get by ${mistake.why}${where}`);
    }
  }
  return diagnoses;
}
