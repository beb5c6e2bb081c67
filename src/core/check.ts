import { type Comparison, compare, type Rule } from "./compare.js";
import { backward, forward } from "./conv.js";
import type { Geometry } from "./geometry.js";
import { lossGradient, loss as lossOf } from "./loss.js";
import { CellEvaluator, numericalGradient, type Problem, type TensorName } from "./numerical.js";
import type { Tensor } from "./tensor.js";
import { type FullRule, lossScale, resolveRule, stepFor } from "./tolerance.js";
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
}

/** Computes numerical gradients of some elements; may run off the main thread. */
export type NumericalRunner = (
  problem: Problem,
  tensor: TensorName,
  elements: Int32Array,
  step: number,
) => Promise<Float64Array>;

export interface CheckOptions {
  rule?: Partial<FullRule>;
  /** Which cells of each tensor to check numerically; all when absent. */
  select?: (tensor: TensorName, shape: number[]) => Int32Array | null;
  numerical?: NumericalRunner;
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
  rule: FullRule;
  output: Float64Array;
  loss: number;
  gradients: TensorCheck[];
  expected: ExpectedCheck[];
  warnings: Warning[];
  pass: boolean;
}

export const runInThread: NumericalRunner = async (problem, tensor, elements, step) =>
  numericalGradient(new CellEvaluator(problem), tensor, elements, step);

function allCells(count: number): Int32Array {
  const cells = new Int32Array(count);
  for (let i = 0; i < count; i++) cells[i] = i;
  return cells;
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
  const output = forward(geo, problem.input, problem.filter, problem.bias);
  const loss = lossOf(output, problem.target);
  if (!Number.isFinite(loss)) {
    throw new RangeError("the loss overflows float64: the fixture's values are too large to check");
  }
  const rule = resolveRule(
    { cli: options.rule, fixture: fixture.tolerance },
    lossScale(loss, output, problem.target),
  );
  const analytic = backward(
    geo,
    problem.input,
    problem.filter,
    lossGradient(output, problem.target),
    problem.bias !== null,
  );
  const runner = options.numerical ?? runInThread;

  const tensors: Array<[TensorName, Tensor]> = [
    ["filter", fixture.filter],
    ["input", fixture.input],
  ];
  if (fixture.bias) tensors.push(["bias", fixture.bias]);

  const gradients: TensorCheck[] = [];
  for (const [name, tensor] of tensors) {
    const selected = options.select?.(name, tensor.shape) ?? null;
    const cells = selected ?? allCells(tensor.data.length);
    const step = stepFor(rule.eps, tensor.data);
    const values = await runner(problem, name, cells, step);
    const numerical = new Float64Array(tensor.data.length).fill(Number.NaN);
    cells.forEach((cell, i) => {
      numerical[cell] = values[i];
    });
    const grad = analytic[name] as Float64Array;
    gradients.push({
      name,
      shape: tensor.shape,
      step,
      analytic: grad,
      numerical,
      cells: selected,
      comparison: compare(grad, numerical, rule, cells),
    });
  }

  const expected = expectedChecks(fixture.expected, output, loss, gradients, rule);
  return {
    geo,
    rule,
    output,
    loss,
    gradients,
    expected,
    warnings: fixtureWarnings(geo, fixture),
    pass: gradients.every((g) => g.comparison.pass) && expected.every((e) => e.comparison.pass),
  };
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
  ) =>
    checks.push({
      name,
      shape,
      actual,
      expected: want,
      comparison: compare(actual, want, rule, cells ?? undefined),
    });
  if (stored.output) add("output", stored.output.shape, output, stored.output.data);
  if (stored.loss !== undefined)
    add("loss", [], Float64Array.of(loss), Float64Array.of(stored.loss));
  const keys = { filter: "filterGrad", input: "inputGrad", bias: "biasGrad" } as const;
  for (const g of gradients) {
    const want = stored[keys[g.name]];
    if (!want) continue;
    add(`${keys[g.name]} (analytic)`, g.shape, g.analytic, want.data);
    add(`${keys[g.name]} (numerical)`, g.shape, g.numerical, want.data, g.cells);
  }
  return checks;
}
