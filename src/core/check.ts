import { type Comparison, compare, type Rule, relativeError } from "./compare.js";
import { type DirectionCheck, directionalChecks } from "./directional.js";
import { InputError } from "./errors.js";
import type { Geometry } from "./geometry.js";
import { type Head, isPlain, PLAIN_HEAD } from "./head.js";
import { CellEvaluator, numericalGradient, type Problem, type TensorName } from "./numerical.js";
import { headNumerical } from "./numerical-head.js";
import { overflowError, tooLarge } from "./overflow.js";
import { float32Numerical } from "./precision.js";
import { lossScale, type Precision, reference } from "./reference.js";
import { sampleCells } from "./sample.js";
import { epsSweep, explainedByRounding, type Sweep } from "./sweep.js";
import type { Tensor } from "./tensor.js";
import { defaultsFor, type FullRule, resolveRule, rmsOf, stepFloor, stepFor } from "./tolerance.js";
import { fixtureWarnings, type Warning } from "./warnings.js";

export interface Expected {
  output?: Tensor;
  loss?: number;
  filterGrad?: Tensor;
  inputGrad?: Tensor;
  biasGrad?: Tensor;
}

/** What a check needs from a fixture. */
export interface CheckInput {
  geo: Geometry;
  input: Tensor;
  filter: Tensor;
  bias: Tensor | null;
  target: Tensor;
  tolerance: Partial<FullRule>;
  expected: Expected;
  /** The activation and loss after the correlation; 1/2 sum (O - T)^2 when absent. */
  head?: Head;
}

/** Computes numerical gradients of some elements; may run off the main thread. */
export type NumericalRunner = (
  problem: Problem,
  tensor: TensorName,
  elements: Int32Array,
  step: number,
  onProgress?: (cells: number) => void,
) => Promise<Float64Array>;

export interface CheckOptions {
  rule?: Partial<FullRule>;
  /** Which cells of each tensor to check numerically; all when absent. */
  select?: (tensor: TensorName, shape: number[]) => Int32Array | null;
  numerical?: NumericalRunner;
  /** Run the reference in float32, every operation rounded. */
  precision?: Precision;
  /** Also rerun the numerical gradient over a range of steps. */
  sweep?: boolean;
  /** Check `count` cells per tensor, drawn by a generator seeded with `seed`. */
  sample?: { count: number; seed: number };
  /** Directional checks first; cells are checked only in a tensor where one fails. */
  fast?: { directions: number; seed: number };
  /** Told the problem before any work on it, so that threads can start early. */
  onProblem?: (problem: Problem) => void;
  /** Told how many cells the check will compute, once they are chosen. */
  onCellsPlanned?: (cells: number) => void;
  /** Told how many more cells have their numerical gradient. */
  onProgress?: (cells: number) => void;
}

export interface TensorCheck {
  name: TensorName;
  shape: number[];
  step: number;
  analytic: Float64Array;
  /** NaN where the cell was not checked. */
  numerical: Float64Array;
  cells: Int32Array | null;
  comparison: Comparison;
  /** Cells whose step crosses a kink, judged by their one-sided derivatives. */
  kinks: Map<number, { left: number; right: number }>;
  /** For a failing tensor: a ten times larger step shrinks the disagreement. */
  roundingExplained: boolean;
  /** With --fast: the directional checks, before any cell was checked. */
  directions?: DirectionCheck[] | null;
}

export interface ExpectedCheck {
  /** output, loss, filterGrad (analytic), filterGrad (numerical), … */
  name: string;
  shape: number[];
  actual: Float64Array;
  expected: Float64Array;
  comparison: Comparison;
}

export interface CheckResult {
  geo: Geometry;
  head: Head;
  precision: Precision;
  rule: FullRule;
  output: Float64Array;
  loss: number;
  gradients: TensorCheck[];
  expected: ExpectedCheck[];
  warnings: Warning[];
  sweep: Sweep | null;
  sample?: { count: number; seed: number } | null;
  fast?: { directions: number; seed: number } | null;
  pass: boolean;
}

export const runInThread: NumericalRunner = async (problem, tensor, elements, step, onProgress) =>
  numericalGradient(new CellEvaluator(problem), tensor, elements, step, onProgress);

function allCells(count: number): Int32Array {
  const cells = new Int32Array(count);
  for (let i = 0; i < count; i++) cells[i] = i;
  return cells;
}

export interface NumericalSetting {
  problem: Problem;
  head: Head;
  precision: Precision;
  runner: NumericalRunner;
  onProgress?: (cells: number) => void;
}

/** Numerical gradients of some cells, by the method that suits the head and precision. */
export async function numericalFor(
  setting: NumericalSetting,
  tensor: TensorName,
  cells: Int32Array,
  step: number,
): Promise<{ values: Float64Array; kinks: Map<number, { left: number; right: number }> }> {
  const { problem, head, precision } = setting;
  if (precision === "float32") {
    const values = float32Numerical(problem, head, tensor, cells, step);
    setting.onProgress?.(cells.length);
    return { values, kinks: new Map() };
  }
  if (!isPlain(head)) {
    const found = headNumerical(new CellEvaluator(problem), head, tensor, cells, step);
    setting.onProgress?.(cells.length);
    return found;
  }
  const values = await setting.runner(problem, tensor, cells, step, setting.onProgress);
  return { values, kinks: new Map() };
}

/** Run the reference correlation, its gradients and the numerical check. */
export async function runCheck(
  fixture: CheckInput,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const { geo } = fixture;
  const problem: Problem = {
    geo,
    input: fixture.input.data,
    filter: fixture.filter.data,
    bias: fixture.bias?.data ?? null,
    target: fixture.target.data,
  };
  options.onProblem?.(problem);
  const head = fixture.head ?? PLAIN_HEAD;
  const precision = options.precision ?? "float64";
  const quadratic = isPlain(head);
  const { output, loss, analytic } = reference(problem, head, precision);
  const scale = lossScale(head, loss, output, problem.target);
  const largest = precision === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (tooLarge(scale, largest, [analytic.filter, analytic.input, analytic.bias])) {
    throw overflowError([
      ["input", fixture.input],
      ["filter", fixture.filter],
      ["bias", fixture.bias],
      ["target", fixture.target],
    ]);
  }
  const rule = resolveRule(
    { cli: options.rule, fixture: fixture.tolerance },
    scale,
    defaultsFor(quadratic, precision),
  );
  const runner = options.numerical ?? runInThread;

  const tensors: Array<[TensorName, Tensor]> = [
    ["filter", fixture.filter],
    ["input", fixture.input],
  ];
  if (fixture.bias) tensors.push(["bias", fixture.bias]);

  const residual = new Float64Array(output.length);
  for (let i = 0; i < output.length; i++) residual[i] = output[i] - problem.target[i];
  const residualRms = rmsOf(residual);
  const floors: Record<TensorName, number> = {
    filter: stepFloor(residualRms, rmsOf(problem.input)),
    input: stepFloor(residualRms, rmsOf(problem.filter)),
    bias: stepFloor(residualRms, 1),
  };

  // Plan every tensor first (directions, cells), so progress knows the whole job.
  const plans = [];
  for (const [name, tensor] of tensors) {
    const step = stepFor(rule.eps, tensor.data, floors[name]);
    const grad = analytic[name] as Float64Array;
    const directions = options.fast
      ? await directionalChecks(problem, { head, precision, rule }, name, grad, step, options.fast)
      : null;
    const selected = cellsToCheck(options, name, tensor.shape, geo, directions);
    const cells = selected ?? allCells(tensor.data.length);
    plans.push({ name, tensor, step, grad, directions, selected, cells });
  }
  options.onCellsPlanned?.(plans.reduce((sum, plan) => sum + plan.cells.length, 0));

  const gradients: TensorCheck[] = [];
  const { onProgress } = options;
  // All tensors at once, so that threads never wait at the end of one tensor.
  const found = await Promise.all(
    plans.map(({ name, cells, step }) =>
      numericalFor({ problem, head, precision, runner, onProgress }, name, cells, step),
    ),
  );
  for (const [i, { name, tensor, step, grad, directions, selected, cells }] of plans.entries()) {
    const { values, kinks } = found[i];
    if (!Number.isFinite(step) || values.some((v) => !Number.isFinite(v))) {
      // A perturbed loss, or the step itself, passed the largest number:
      // such cells were not checked, and must not pass as if they were.
      throw new InputError(
        "",
        `the numerical check of ${name} overflows (step ${step}): a perturbed loss passes the largest representable number; scale the fixture's values down or use a smaller eps`,
      );
    }
    const numerical = new Float64Array(tensor.data.length).fill(Number.NaN);
    cells.forEach((cell, i) => {
      numerical[cell] = values[i];
    });
    // When a direction fails, the per-cell check that follows gives the verdict.
    const comparison = judgeKinks(compare(grad, numerical, rule, cells), grad, kinks, rule);
    gradients.push({
      name,
      shape: tensor.shape,
      step,
      analytic: grad,
      numerical,
      cells: selected,
      comparison,
      kinks,
      roundingExplained: false,
      directions,
    });
  }
  const setting: NumericalSetting = { problem, head, precision, runner };
  for (const g of gradients) {
    if (!g.comparison.pass) g.roundingExplained = await explainedByRounding(setting, g);
  }
  const sweep = options.sweep ? await epsSweep(setting, gradients, rule.rtol) : null;

  const expected = expectedChecks(fixture.expected, output, loss, gradients, rule);
  return {
    geo,
    head,
    precision,
    rule,
    output,
    loss,
    gradients,
    expected,
    warnings: fixtureWarnings(geo, fixture),
    sweep,
    sample: options.sample ?? null,
    fast: options.fast ?? null,
    pass: gradients.every((g) => g.comparison.pass) && expected.every((e) => e.comparison.pass),
  };
}

/**
 * The cells a tensor's per-cell check covers: null for all of them, none
 * when every direction of --fast agreed, a seeded sample with --sample.
 */
export function cellsToCheck(
  options: Pick<CheckOptions, "sample" | "select">,
  name: TensorName,
  shape: number[],
  geo: Geometry,
  directions: DirectionCheck[] | null,
): Int32Array | null {
  if (directions?.every((d) => d.pass)) return new Int32Array(0);
  const { sample } = options;
  if (sample) return sampleCells(name, shape, geo, sample.count, sample.seed);
  return options.select?.(name, shape) ?? null;
}

/**
 * At a kink the derivative is not defined; a correct analytic gradient
 * then equals one of the one-sided derivatives or lies between them (a
 * subgradient), so kink cells pass or fail on that instead of on the central
 * difference, which averages the two sides.
 */
export function judgeKinks(
  comparison: Comparison,
  analytic: Float64Array,
  kinks: Map<number, { left: number; right: number }>,
  rule: Rule,
): Comparison {
  if (kinks.size === 0) return comparison;
  const relError = comparison.relError.slice();
  const failing: number[] = [];
  for (const cell of comparison.failing) {
    if (!kinks.has(cell)) failing.push(cell);
  }
  for (const [cell, sides] of kinks) {
    const low = Math.min(sides.left, sides.right);
    const high = Math.max(sides.left, sides.right);
    const slack = rule.atol + rule.rtol * Math.max(Math.abs(low), Math.abs(high));
    const a = analytic[cell];
    // Distance to the interval between the two sides, relative as usual.
    const nearest = Math.min(Math.max(a, low), high);
    relError[cell] = relativeError(a, nearest);
    if (a < low - slack || a > high + slack) failing.push(cell);
  }
  failing.sort((x, y) => x - y);
  let maxRelError = 0;
  let worst = -1;
  relError.forEach((e, cell) => {
    if (!Number.isNaN(e) && (worst < 0 || e > maxRelError)) {
      maxRelError = e;
      worst = cell;
    }
  });
  for (const cell of failing) {
    if (!failing.includes(worst) || relError[cell] > relError[worst]) worst = cell;
  }
  return { ...comparison, relError, failing, maxRelError, worst, pass: failing.length === 0 };
}

function expectedChecks(
  stored: Expected,
  output: Float64Array,
  loss: number,
  gradients: TensorCheck[],
  rule: Rule,
): ExpectedCheck[] {
  const checks: ExpectedCheck[] = [];
  const add = (
    name: string,
    shape: number[],
    actual: Float64Array,
    want: Float64Array,
    cells?: Int32Array | null,
    kinks?: Map<number, { left: number; right: number }>,
  ) => {
    const comparison = compare(actual, want, rule, cells ?? undefined);
    checks.push({
      name,
      shape,
      actual,
      expected: want,
      // Where a step crosses a kink, the central difference is neither side's
      // slope: a stored gradient there must lie between the two, as in the check.
      comparison: kinks ? judgeKinks(comparison, want, kinks, rule) : comparison,
    });
  };
  if (stored.output) add("output", stored.output.shape, output, stored.output.data);
  if (stored.loss !== undefined)
    add("loss", [], Float64Array.of(loss), Float64Array.of(stored.loss));
  const keys = { filter: "filterGrad", input: "inputGrad", bias: "biasGrad" } as const;
  for (const g of gradients) {
    const want = stored[keys[g.name]];
    if (!want) continue;
    add(`${keys[g.name]} (analytic)`, g.shape, g.analytic, want.data);
    add(`${keys[g.name]} (numerical)`, g.shape, g.numerical, want.data, g.cells, g.kinks);
  }
  return checks;
}
