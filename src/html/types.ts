import type { DependencyTables, GradientTensor } from "../core/dependencies.js";

/**
 * What the HTML report embeds as JSON for its script: one entry per fixture,
 * with only the cells the page draws (large tensors are thinned, see model.ts).
 */
export interface ReportData {
  fixtures: FixtureData[];
}

export interface FixtureData {
  index: number;
  file: string;
  name: string | null;
  status: "pass" | "fail" | "error";
  /** Absent for fixtures that could not be checked. */
  geometry: GeometryData | null;
  tables: DependencyTables | null;
  /** Input, filter and dE/dO = O - T, for writing out the chain rule; null when too large. */
  values: TermValues | null;
  /** What the backward receives: dE/dO, or dE/dZ at the pre-activation when there is a head. */
  gradientName: string;
  /** Said after the written-out sum, e.g. that it uses convcheck's forward in an --impl run. */
  sumNote: string;
  rtol: number;
  atol: number;
  tensors: TensorData[];
}

export interface TermValues {
  input: number[];
  filter: number[];
  dOutput: number[];
}

export interface GeometryData {
  batch: number;
  inChannels: number;
  outChannels: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
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
  /** Input rows and columns that no window reads. */
  unusedRows: number[];
  unusedCols: number[];
  inputShape: number[];
  filterShape: number[];
  outputShape: number[];
}

/** One 2-D slice of a tensor as drawn: every cell, or one per block of cells. */
export interface SliceData {
  /** `[co][ci]` for a filter slice, `[n][c]` or `[c]` for an input slice, "" for one slice. */
  label: string;
  /** Flat index of the slice's first cell in the tensor. */
  first: number;
  /** Position of the slice's first drawn cell in the TensorData value arrays. */
  offset: number;
  /** Cells per drawn cell along each axis: 1 draws every cell. */
  block: number;
  /** Drawn rows and columns. */
  height: number;
  width: number;
  /** For block > 1: the flat cell each drawn cell stands for (the worst of its block). */
  cells: number[] | null;
}

export interface TensorData {
  /** Which tensor's cells these are: a gradient, or the output of a person's forward. */
  name: GradientTensor | "output";
  /** Names the block in the page: the tensor name, or e.g. `filter-reference`. */
  key: string;
  title: string;
  /** Headings of the first two panels: analytic and numerical, or yours and convcheck's. */
  labels: [string, string];
  shape: number[];
  sliceHeight: number;
  sliceWidth: number;
  /** Slices per row of the small multiples. */
  gridColumns: number;
  /** Side of a drawn cell in CSS pixels. */
  cellPx: number;
  /** The value colour scale runs from -vmax to vmax. */
  vmax: number;
  slices: SliceData[];
  omittedSlices: number;
  /** Per drawn cell, in slice order; null where a cell was not checked. */
  analytic: Array<number | null>;
  numerical: Array<number | null>;
  relError: Array<number | null>;
  /** Drawn cells that fail the rule (or whose block holds a failing cell). */
  failing: number[];
  /** Drawn cells whose step crosses a kink: [drawn index, left derivative, right derivative]. */
  kinks: Array<[number, number, number]>;
  failingCount: number;
  checked: number;
  /** Flat index of the worst checked cell, -1 when nothing was checked. */
  worst: number;
  pass: boolean;
}
