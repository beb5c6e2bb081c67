import type { NumericalSetting, TensorCheck } from "./check.js";
import { numericalFor } from "./check.js";
import { stepFor } from "./tolerance.js";

/** Steps tried by --eps-sweep, relative to each tensor's scale as usual. */
export const SWEEP_EPS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];
/** At most this many cells per tensor are rerun at every step. */
const SWEEP_CELLS = 256;

export type SweepKind = "rounding" | "truncation" | "rounding-and-truncation" | "flat" | "clean";

export interface SweepSeries {
  tensor: TensorCheck["name"];
  /** Worst |analytic - numerical| over the tensor's largest |analytic|, per step. */
  errors: number[];
  kind: SweepKind;
  best: { eps: number; error: number };
  message: string;
}

export interface Sweep {
  eps: number[];
  series: SweepSeries[];
}

function spread(cells: Int32Array, count: number): Int32Array {
  if (cells.length <= count) return cells;
  const picked = new Int32Array(count);
  for (let i = 0; i < count; i++) picked[i] = cells[Math.floor((i * cells.length) / count)];
  return picked;
}

/**
 * Read an error-versus-step curve. Rounding error falls as the step grows
 * (about u * E / h), truncation error grows with it (about h^2 * E'''), and
 * the error of a wrong gradient does not depend on the step at all.
 */
export function classify(
  errors: number[],
  eps: number[],
  tolerance: number,
): Omit<SweepSeries, "tensor" | "errors"> {
  // A step below the precision of the values cannot move them: no reading there.
  const usable = errors.map((e, i) => ({ e, eps: eps[i] })).filter((p) => Number.isFinite(p.e));
  if (usable.length === 0) {
    return {
      kind: "clean",
      best: { eps: eps[0], error: Number.NaN },
      message: "no step could be measured",
    };
  }
  let best = { eps: usable[0].eps, error: usable[0].e };
  for (const p of usable) if (p.e < best.error) best = { eps: p.eps, error: p.e };
  const largest = usable[0];
  const smallest = usable[usable.length - 1];
  const worst = Math.max(...usable.map((p) => p.e));
  const fmt = (x: number) => x.toExponential(1);
  if (best.error > Math.max(tolerance, 1e-3) && worst < 10 * best.error) {
    return {
      kind: "flat",
      best,
      message: `the error stays near ${fmt(best.error)} at every step: no step makes it agree, so the gradient is wrong`,
    };
  }
  // eps runs from large to small: rounding shows at the small end, truncation at the large end.
  const rounding = smallest.e > 10 * best.error;
  const truncation = largest.e > 10 * best.error;
  const at = `${best.error <= tolerance ? "agrees" : "comes closest"} at eps ${best.eps} (${fmt(best.error)})`;
  if (rounding && truncation) {
    return {
      kind: "rounding-and-truncation",
      best,
      message: `the error falls as the step grows (rounding) until curvature takes over (truncation): not a bug; it ${at}`,
    };
  }
  if (rounding) {
    return {
      kind: "rounding",
      best,
      message: `the error falls as the step grows, from ${fmt(smallest.e)} at eps ${smallest.eps}: rounding, not a bug; it ${at}`,
    };
  }
  if (truncation) {
    return {
      kind: "truncation",
      best,
      message: `the error grows with the step, to ${fmt(largest.e)} at eps ${largest.eps}: truncation from curvature, not a bug; it ${at}`,
    };
  }
  return { kind: "clean", best, message: `the error is small at every step; it ${at}` };
}

/** Rerun the numerical gradient over a range of steps for every checked tensor. */
export async function epsSweep(
  setting: NumericalSetting,
  gradients: TensorCheck[],
  tolerance: number,
  eps: number[] = SWEEP_EPS,
): Promise<Sweep> {
  const series: SweepSeries[] = [];
  for (const g of gradients) {
    const all = g.cells ?? Int32Array.from(g.analytic.keys());
    const cells = spread(all, SWEEP_CELLS);
    const data = setting.problem[g.name] as Float64Array;
    let scale = 0;
    for (const cell of cells) scale = Math.max(scale, Math.abs(g.analytic[cell]));
    const errors: number[] = [];
    for (const e of eps) {
      const { values } = await numericalFor(setting, g.name, cells, stepFor(e, data));
      let worst = 0;
      cells.forEach((cell, i) => {
        worst = Math.max(worst, Math.abs(g.analytic[cell] - values[i]));
      });
      errors.push(scale > 0 ? worst / scale : worst);
    }
    series.push({ tensor: g.name, errors, ...classify(errors, eps, tolerance) });
  }
  return { eps, series };
}

/**
 * Whether the failing cells of a tensor are explained by rounding: rerun
 * them with a ten times larger step; rounding error shrinks about tenfold,
 * while a wrong gradient stays as wrong.
 */
export async function explainedByRounding(
  setting: NumericalSetting,
  g: TensorCheck,
): Promise<boolean> {
  const failing = g.comparison.failing.filter((cell) => !g.kinks.has(cell));
  if (failing.length === 0) return false;
  const cells = spread(Int32Array.from(failing), 32);
  const { values } = await numericalFor(setting, g.name, cells, 10 * g.step);
  let before = 0;
  let after = 0;
  cells.forEach((cell, i) => {
    before = Math.max(before, Math.abs(g.analytic[cell] - g.numerical[cell]));
    after = Math.max(after, Math.abs(g.analytic[cell] - values[i]));
  });
  return after <= before / 4;
}
