import { backward, forward } from "./conv.js";
import { InputError } from "./errors.js";
import { type Head, headGradient } from "./head.js";
import type { Problem, TensorName } from "./numerical.js";
import { formatIndex, ravel, unravel } from "./tensor.js";

/** One product of the chain rule for a cell: dE/dO at an output cell times what meets it there. */
export interface Term {
  /** The output cell, in the fixture's output shape. */
  output: number[];
  /** O and T at that cell (O after the bias, before any activation). */
  value: number;
  target: number;
  gradOutput: number;
  /** The input value (for a filter cell) or filter value (for an input cell); null for a bias. */
  partner: { tensor: "input" | "filter"; index: number[]; value: number } | null;
  /** For a filter cell: the tap lands in the zero padding at this (row, column). */
  padding: [number, number] | null;
  product: number;
}

export interface Explanation {
  tensor: TensorName;
  index: number[];
  /** The sum being expanded, with the fixture's stride, padding and dilation put in. */
  formula: string;
  terms: Term[];
  sum: number;
  /** convcheck's backward pass at this cell. */
  analytic: number;
}

function shapeOf(problem: Problem, tensor: TensorName): number[] {
  const geo = problem.geo;
  return tensor === "filter"
    ? geo.filterShape
    : tensor === "input"
      ? geo.inputShape
      : (geo.biasShape ?? []);
}

/** `filter[0][1]` into a tensor name and a flat position, checked against the fixture. */
export function parseCell(text: string, problem: Problem): { tensor: TensorName; flat: number } {
  const match = /^\s*(filter|input|bias)\s*((?:\[\s*\d+\s*\])+)\s*$/.exec(text);
  if (!match) {
    throw new InputError(
      "--cell",
      `"${text}" is not a cell; write it as filter[0][1], input[2][3] or bias[0], indices in the fixture's own shape`,
    );
  }
  const tensor = match[1] as TensorName;
  const index = [...match[2].matchAll(/\d+/g)].map((m) => Number(m[0]));
  if (tensor === "bias" && !problem.bias)
    throw new InputError("--cell", "this fixture has no bias");
  const shape = shapeOf(problem, tensor);
  const example = `${tensor}${formatIndex(shape.map(() => 0))}`;
  if (index.length !== shape.length) {
    throw new InputError(
      "--cell",
      `${tensor} has shape [${shape.join(", ")}]: give ${shape.length} ${shape.length === 1 ? "index" : "indices"}, as in ${example}`,
    );
  }
  index.forEach((i, axis) => {
    if (i >= shape[axis]) {
      throw new InputError(
        "--cell",
        `${text.trim()}: index ${i} is out of range for axis ${axis} of ${tensor} [${shape.join(", ")}]`,
      );
    }
  });
  return { tensor, flat: ravel(index, shape) };
}

/** The chain rule for one cell of dE/dFilter, dE/dInput or dE/dBias, term by term. */
export function explainCell(
  problem: Problem,
  head: Head,
  tensor: TensorName,
  flat: number,
): Explanation {
  const geo = problem.geo;
  const pre = forward(geo, problem.input, problem.filter, problem.bias);
  const dOut = headGradient(head, pre, problem.target);
  const analytic = backward(geo, problem.input, problem.filter, dOut, problem.bias !== null)[
    tensor
  ]![flat];
  const { outHeight, outWidth, kernelHeight, kernelWidth, inPerGroup } = geo;
  const outIndex = (n: number, co: number, oy: number, ox: number) =>
    ((n * geo.outChannels + co) * outHeight + oy) * outWidth + ox;
  const terms: Term[] = [];
  const add = (o: number, partner: Term["partner"], padding: Term["padding"]) => {
    const factor = partner ? partner.value : padding ? 0 : 1;
    terms.push({
      output: unravel(o, geo.outputShape),
      value: pre[o],
      target: problem.target[o],
      gradOutput: dOut[o],
      partner,
      padding,
      product: dOut[o] * factor,
    });
  };
  const index = unravel(flat, shapeOf(problem, tensor));
  const sh = geo.strideHeight;
  const sw = geo.strideWidth;
  const dh = geo.dilationHeight;
  const dw = geo.dilationWidth;

  if (tensor === "filter") {
    const kx = flat % kernelWidth;
    const ky = Math.floor(flat / kernelWidth) % kernelHeight;
    const c = Math.floor(flat / (kernelWidth * kernelHeight)) % inPerGroup;
    const co = Math.floor(flat / (kernelWidth * kernelHeight * inPerGroup));
    const ci = Math.floor(co / geo.outPerGroup) * inPerGroup + c;
    for (let n = 0; n < geo.batch; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          // iy = oy * strideHeight - padTop + ky * dilationHeight (columns alike)
          const iy = oy * sh - geo.padTop + ky * dh;
          const ix = ox * sw - geo.padLeft + kx * dw;
          const inside = iy >= 0 && iy < geo.inHeight && ix >= 0 && ix < geo.inWidth;
          const i = ((n * geo.inChannels + ci) * geo.inHeight + iy) * geo.inWidth + ix;
          const partner = inside
            ? {
                tensor: "input" as const,
                index: unravel(i, geo.inputShape),
                value: problem.input[i],
              }
            : null;
          add(outIndex(n, co, oy, ox), partner, inside ? null : [iy, ix]);
        }
      }
    }
    const rows = `${sh === 1 ? "" : `${sh}*`}oy${signed(ky * dh - geo.padTop)}`;
    const cols = `${sw === 1 ? "" : `${sw}*`}ox${signed(kx * dw - geo.padLeft)}`;
    const outLead = lead(geo.outputShape, co);
    const inLead = lead(geo.inputShape, ci);
    const formula = `dE/dFilter${formatIndex(index)} = sum over output cells of dE/dO${outLead}[oy][ox] * input${inLead}[${rows}][${cols}]`;
    return { tensor, index, formula, terms, sum: total(terms), analytic };
  }
  if (tensor === "input") {
    const ix = flat % geo.inWidth;
    const iy = Math.floor(flat / geo.inWidth) % geo.inHeight;
    const ci = Math.floor(flat / (geo.inWidth * geo.inHeight)) % geo.inChannels;
    const n = Math.floor(flat / (geo.inWidth * geo.inHeight * geo.inChannels));
    const group = Math.floor(ci / inPerGroup);
    const c = ci % inPerGroup;
    for (let co = group * geo.outPerGroup; co < (group + 1) * geo.outPerGroup; co++) {
      for (const r of geo.rowTaps[iy]) {
        for (const t of geo.colTaps[ix]) {
          const f = ((co * inPerGroup + c) * kernelHeight + r.kernel) * kernelWidth + t.kernel;
          const partner = {
            tensor: "filter" as const,
            index: unravel(f, geo.filterShape),
            value: problem.filter[f],
          };
          add(outIndex(n, co, r.out, t.out), partner, null);
        }
      }
    }
    const formula = `dE/dInput${formatIndex(index)} = sum over the windows that read it of dE/dO[oy][ox] * filter[ky][kx], where oy*${sh} + ky*${dh} - ${geo.padTop} = ${iy} and ox*${sw} + kx*${dw} - ${geo.padLeft} = ${ix}`;
    return { tensor, index, formula, terms, sum: total(terms), analytic };
  }
  const co = flat;
  for (let n = 0; n < geo.batch; n++) {
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++) add(outIndex(n, co, oy, ox), null, null);
  }
  const formula = `dE/dBias[${co}] = sum over the cells of output channel ${co} of dE/dO`;
  return { tensor, index, formula, terms, sum: total(terms), analytic };
}

/** The batch and channel indices in front of [row][column], as the tensor's rank has them. */
function lead(shape: readonly number[], channel: number): string {
  if (shape.length === 4) return `[n][${channel}]`;
  return shape.length === 3 ? `[${channel}]` : "";
}

function signed(v: number): string {
  return v === 0 ? "" : v > 0 ? ` + ${v}` : ` - ${-v}`;
}

function total(terms: Term[]): number {
  let sum = 0;
  for (const t of terms) sum += t.product;
  return sum;
}
