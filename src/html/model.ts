import type { Outcome } from "../cli/outcome.js";
import type { CheckResult, TensorCheck } from "../core/check.js";
import { forward } from "../core/conv.js";
import { dependencyTables } from "../core/dependencies.js";
import { unusedRowsAndCols } from "../core/geometry.js";
import { headGradient, isPlain } from "../core/head.js";
import { formatIndex, unravel } from "../core/tensor.js";
import type { FixtureData, GeometryData, SliceData, TensorData, TermValues } from "./types.js";

/**
 * Size limits that keep a page quick to open whatever the layer: a slice is
 * drawn at most this many cells on a side (larger ones show the worst cell of
 * each block), and a tensor draws slices until this many cells are drawn.
 */
export const MAX_SLICE_SIDE = 48;
export const MAX_DRAWN_CELLS = 16384;
/** Tensors larger than this leave their values out, so the chain rule shows positions only. */
export const MAX_TERM_VALUES = 20000;

const TITLES = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Larger is worse: failing cells first, then by relative error; unchecked cells last. */
function badness(g: TensorCheck, failing: Set<number>, cell: number): number {
  const err = g.comparison.relError[cell];
  if (Number.isNaN(err)) return -1;
  return (failing.has(cell) ? 2 : 0) + Math.min(1, err);
}

function sliceLayout(shape: number[]) {
  if (shape.length === 1) return { height: 1, width: shape[0], leading: [] as number[] };
  const [height, width] = shape.slice(-2);
  return { height, width, leading: shape.slice(0, -2) };
}

export interface TensorLabels {
  key: string;
  title: string;
  labels: [string, string];
  name?: TensorData["name"];
}

export function tensorData(g: TensorCheck, text?: TensorLabels): TensorData {
  const { height, width, leading } = sliceLayout(g.shape);
  const plane = height * width;
  const sliceCount = g.analytic.length / plane;
  const block = Math.ceil(Math.max(height, width) / MAX_SLICE_SIDE);
  const drawnHeight = Math.ceil(height / block);
  const drawnWidth = Math.ceil(width / block);
  const perSlice = drawnHeight * drawnWidth;
  const failingSet = new Set(g.comparison.failing);
  const worst = g.comparison.worst;

  // Slices in order until the budget is spent; the worst cell's slice always.
  const budget = Math.max(1, Math.floor(MAX_DRAWN_CELLS / perSlice));
  const chosen = Array.from({ length: Math.min(sliceCount, budget) }, (_, s) => s);
  const worstSlice = worst >= 0 ? Math.floor(worst / plane) : -1;
  if (worstSlice >= chosen.length) chosen.push(worstSlice);

  const data: TensorData = {
    name: text?.name ?? g.name,
    key: text?.key ?? g.name,
    title: text?.title ?? TITLES[g.name],
    labels: text?.labels ?? ["analytic", "numerical"],
    shape: g.shape,
    sliceHeight: height,
    sliceWidth: width,
    gridColumns: Math.min(leading.length ? leading[leading.length - 1] : 1, 8),
    cellPx: 0,
    vmax: 0,
    slices: [],
    omittedSlices: sliceCount - chosen.length,
    analytic: [],
    numerical: [],
    relError: [],
    failing: [],
    kinks: [],
    failingCount: g.comparison.failing.length,
    checked: g.comparison.checked,
    worst,
    pass: g.comparison.pass,
  };
  for (const s of chosen) {
    const slice: SliceData = {
      label: leading.length ? formatIndex(unravel(s, leading)) : "",
      first: s * plane,
      offset: data.analytic.length,
      block,
      height: drawnHeight,
      width: drawnWidth,
      cells: block > 1 ? [] : null,
    };
    for (let by = 0; by < drawnHeight; by++) {
      for (let bx = 0; bx < drawnWidth; bx++) {
        let pick = -1;
        for (let y = by * block; y < Math.min(height, (by + 1) * block); y++) {
          for (let x = bx * block; x < Math.min(width, (bx + 1) * block); x++) {
            const cell = s * plane + y * width + x;
            if (pick < 0 || badness(g, failingSet, cell) > badness(g, failingSet, pick)) {
              pick = cell;
            }
          }
        }
        const drawn = data.analytic.length;
        if (failingSet.has(pick)) data.failing.push(drawn);
        const sides = g.kinks?.get(pick);
        if (sides) data.kinks.push([drawn, sides.left, sides.right]);
        slice.cells?.push(pick);
        data.analytic.push(orNull(g.analytic[pick]));
        data.numerical.push(orNull(g.numerical[pick]));
        data.relError.push(orNull(g.comparison.relError[pick]));
      }
    }
    data.slices.push(slice);
  }

  let vmax = 0;
  for (const v of [...data.analytic, ...data.numerical]) {
    if (v !== null) vmax = Math.max(vmax, Math.abs(v));
  }
  data.vmax = vmax;
  // Three panels of small multiples (analytic, numerical, error) side by side
  // in about 850 pixels, 8 between slices; cells between 3 and 28 pixels.
  const columns = Math.min(data.gridColumns, chosen.length);
  const room = 270 - 8 * (columns - 1);
  data.cellPx = Math.max(3, Math.min(28, Math.floor(room / (columns * drawnWidth))));
  return data;
}

function geometryData(result: CheckResult): GeometryData {
  const g = result.geo;
  const unused = unusedRowsAndCols(g);
  return {
    batch: g.batch,
    inChannels: g.inChannels,
    outChannels: g.outChannels,
    inHeight: g.inHeight,
    inWidth: g.inWidth,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    kernelHeight: g.kernelHeight,
    kernelWidth: g.kernelWidth,
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    dilationHeight: g.dilationHeight,
    dilationWidth: g.dilationWidth,
    padTop: g.padTop,
    padBottom: g.padBottom,
    padLeft: g.padLeft,
    padRight: g.padRight,
    unusedRows: unused.rows,
    unusedCols: unused.cols,
    inputShape: g.inputShape,
    filterShape: g.filterShape,
    outputShape: g.outputShape,
  };
}

/**
 * The factors of every chain-rule term: the input, the filter and the
 * gradient the correlation's backward receives, dE/dZ at the pre-activation
 * Z = O + b (dE/dO = O - T for the plain squared error).
 */
function termValues(outcome: Outcome): TermValues | null {
  const { fixture, result } = outcome;
  if (!fixture || !result) return null;
  const sizes = [fixture.input.data.length, fixture.filter.data.length, result.output.length];
  if (Math.max(...sizes) > MAX_TERM_VALUES) return null;
  const pre = forward(
    result.geo,
    fixture.input.data,
    fixture.filter.data,
    fixture.bias?.data ?? null,
  );
  return {
    input: Array.from(fixture.input.data),
    filter: Array.from(fixture.filter.data),
    dOutput: Array.from(headGradient(result.head, pre, fixture.target.data)),
  };
}

/** `extra`: further maps drawn before the gradients (an --impl run's comparisons). */
export function fixtureData(
  outcome: Outcome,
  index: number,
  extra: TensorData[] = [],
): FixtureData {
  const { result } = outcome;
  return {
    index,
    file: outcome.file,
    name: outcome.fixture?.name ?? null,
    status: outcome.status,
    geometry: result ? geometryData(result) : null,
    tables: result ? dependencyTables(result.geo) : null,
    values: termValues(outcome),
    gradientName: !result || isPlain(result.head) ? "dE/dO" : "dE/dZ",
    // In an --impl run the analytic side is the person's; the sum is the correlation's.
    sumNote:
      result && "impl" in result ? " (the correlation's chain rule, convcheck's forward)" : "",
    rtol: result?.rule.rtol ?? 0,
    atol: result?.rule.atol ?? 0,
    tensors: result ? [...extra, ...result.gradients.map((g) => tensorData(g))] : [],
  };
}
