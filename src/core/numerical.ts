import { im2col, rowLengthOf } from "./columns.js";
import { biasDifference, filterDifference, inputDifference } from "./difference.js";
import type { Geometry } from "./geometry.js";
import { type Kernels, kernelArrays } from "./kernels.js";

/** The tensors of one check, flat and NCHW. */
export interface Problem {
  geo: Geometry;
  input: Float64Array;
  filter: Float64Array;
  bias: Float64Array | null;
  target: Float64Array;
}

export type TensorName = "filter" | "input" | "bias";

/**
 * The forward pass laid out for re-evaluating single output cells: each
 * output cell's receptive field is one contiguous row of `columns` (the
 * im2col layout of columns.ts), so an output cell is bias + one dot product
 * with the filter's row. `columns`, `filter` and `target` live in the memory
 * of the check's kernels (kernels.ts), which run the inner loops: the
 * WebAssembly ones where they run, else (or with `scalar`) the JavaScript
 * ones of difference-blocks.ts, which give the very same values.
 */
export class CellEvaluator {
  readonly rowLength: number;
  readonly outPlane: number;
  readonly columns: Float64Array;
  readonly filter: Float64Array;
  readonly bias: Float64Array | null;
  readonly target: Float64Array;
  readonly kernels: Kernels;
  /** Whether the kernels are the WebAssembly ones. */
  readonly webAssembly: boolean;
  /** Byte addresses of the arrays in the kernels' memory. */
  readonly at: { columns: number; filter: number; target: number };

  constructor(
    readonly problem: Problem,
    options: { scalar?: boolean } = {},
  ) {
    const { geo } = problem;
    this.rowLength = rowLengthOf(geo);
    this.outPlane = geo.outHeight * geo.outWidth;
    const columnCount = geo.batch * geo.groups * this.outPlane * this.rowLength;
    const placed = kernelArrays(
      [columnCount, problem.filter.length, problem.target.length],
      options.scalar,
    );
    const [columns, filter, target] = placed.arrays;
    this.kernels = placed.kernels;
    this.webAssembly = placed.webAssembly;
    this.columns = im2col(geo, problem.input, columns.view);
    this.filter = filter.view;
    this.filter.set(problem.filter);
    this.target = target.view;
    this.target.set(problem.target);
    this.at = { columns: columns.at, filter: filter.at, target: target.at };
    this.bias = problem.bias ? problem.bias.slice() : null;
  }

  /** O[n][co][p] for the current (possibly perturbed) values. */
  cell(n: number, co: number, p: number): number {
    const { geo } = this.problem;
    const K = this.rowLength;
    const group = Math.floor(co / geo.outPerGroup);
    const row = ((n * geo.groups + group) * this.outPlane + p) * K;
    const f = co * K;
    const cols = this.columns;
    const filter = this.filter;
    let sum = this.bias ? this.bias[co] : 0;
    for (let k = 0; k < K; k++) sum += cols[row + k] * filter[f + k];
    return sum;
  }
}

/**
 * Central differences of E = 1/2 sum (O - T)^2, evaluated by rerunning the
 * forward pass on exactly the output cells that the perturbed element
 * reaches; every other cell's term is the same at both points and cancels.
 * E is quadratic in each element, so the central difference has no
 * truncation error and only rounding remains; dividing by the step actually
 * taken, (x + h) - (x - h) in floating point, removes the error of
 * representing x +- h.
 */
export function numericalGradient(
  evaluator: CellEvaluator,
  tensor: TensorName,
  elements: ArrayLike<number>,
  step: number,
  /** Told of each further 64 elements done. */
  onProgress?: (more: number) => void,
): Float64Array {
  const result = new Float64Array(elements.length);
  const visit =
    tensor === "filter" ? filterDifference : tensor === "input" ? inputDifference : biasDifference;
  for (let i = 0; i < elements.length; i++) {
    result[i] = visit(evaluator, elements[i], step);
    if (onProgress && (i & 63) === 63) onProgress(64);
  }
  onProgress?.(elements.length & 63);
  return result;
}

/**
 * The plain definition, for a forward pass that can only be run whole (a
 * person's own implementation) and as a reference in tests: perturb one
 * element, rerun everything, take the central difference.
 */
export async function numericalByRerun(
  lossAt: () => number | Promise<number>,
  data: Float64Array,
  elements: ArrayLike<number>,
  step: number,
  onProgress?: (more: number) => void,
): Promise<Float64Array> {
  const result = new Float64Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const x = data[e];
    const plus = x + step;
    const minus = x - step;
    data[e] = plus;
    const up = await lossAt();
    data[e] = minus;
    const down = await lossAt();
    data[e] = x;
    result[i] = (up - down) / (plus - minus);
    onProgress?.(1);
  }
  return result;
}

/**
 * Multiply-adds the local recompute spends on one element of `tensor`, on
 * average: two dot products of length K per output cell it reaches. Used to
 * decide where the work runs, never to compute anything.
 */
export function numericalWork(geo: Geometry, tensor: TensorName): number {
  const K = rowLengthOf(geo);
  const outPlane = geo.outHeight * geo.outWidth;
  if (tensor !== "input") return 2 * K * geo.batch * outPlane;
  const taps = (lists: unknown[][]) => lists.reduce((sum, l) => sum + l.length, 0) / lists.length;
  return 2 * K * geo.outPerGroup * taps(geo.rowTaps) * taps(geo.colTaps);
}
