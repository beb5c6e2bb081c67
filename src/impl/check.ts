import {
  type CheckInput,
  type CheckOptions,
  type CheckResult,
  cellsToCheck,
  judgeKinks,
  numericalFor,
  runInThread,
  type TensorCheck,
} from "../core/check.js";
import { type Comparison, compare, type Rule } from "../core/compare.js";
import { backward, forward } from "../core/conv.js";
import { blindSpots } from "../core/diagnose/blind.js";
import { diagnose } from "../core/diagnose/diagnose.js";
import type { Diagnosis } from "../core/diagnose/types.js";
import { diagnoseHead } from "../core/diagnose-head.js";
import {
  type DirectionCheck,
  directionsAlong,
  type LossAlong,
  referenceLoss,
} from "../core/directional.js";
import {
  activate,
  type Head,
  headGradient,
  isPlain,
  outputLoss,
  outputLossGradient,
  PLAIN_HEAD,
} from "../core/head.js";
import {
  CellEvaluator,
  numericalByRerun,
  type Problem,
  type TensorName,
} from "../core/numerical.js";
import { headNumerical } from "../core/numerical-head.js";
import { lossScale } from "../core/reference.js";
import { ATOL_PER_LOSS, defaultsFor, resolveRule, stepFor } from "../core/tolerance.js";
import { fixtureWarnings } from "../core/warnings.js";
import type { CallTensors, Implementation } from "./implementation.js";

/** The person's forward against convcheck's. */
export interface ForwardCheck {
  output: Float64Array;
  reference: Float64Array;
  comparison: Comparison;
}

/** One gradient of the person's against convcheck's backward for the same gradOutput. */
export interface ReferenceCheck {
  values: Float64Array;
  comparison: Comparison;
}

export interface ImplReport {
  file: string;
  exports: { forward: boolean; backward: boolean };
  forward: ForwardCheck | null;
  references: Partial<Record<TensorName, ReferenceCheck>>;
  /** Gradients of the fixture that backward did not return. */
  missing: TensorName[];
  /** Calls of the person's forward made by the numerical check. */
  forwardCalls: number;
  diagnoses: Diagnosis[];
  blindSpots: Diagnosis[];
}

/** A reference run's result whose output and gradients are the person's, plus the extra comparisons. */
export interface ImplCheckResult extends CheckResult {
  impl: ImplReport;
}

export interface ImplCheckOptions extends Omit<CheckOptions, "sweep"> {
  /** Told the number of forward calls, and how long the first one took, before the numerical check. */
  onPlan?: (calls: number, firstCallMs: number) => void;
}

function allCells(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/** Outputs are compared relative to the output's own scale, not the loss's. */
function forwardRule(rule: Rule, reference: Float64Array): Rule {
  let largest = 0;
  for (const v of reference) largest = Math.max(largest, Math.abs(v));
  return { rtol: rule.rtol, atol: ATOL_PER_LOSS * Math.max(largest, 1e-300) };
}

type Kinks = Map<number, { left: number; right: number }>;

/**
 * The cells whose step crosses a kink, found from convcheck's own
 * pre-activations, with their one-sided derivatives taken through the
 * person's forward (each extrapolated from steps h and h / 2, as in a
 * reference run).
 */
async function kinksThrough(
  lossOf: () => Promise<number>,
  data: Float64Array,
  problem: Problem,
  head: Head,
  name: TensorName,
  cells: Int32Array,
  step: number,
): Promise<Kinks> {
  const found = headNumerical(new CellEvaluator(problem), head, name, cells, step).kinks;
  const kinks: Kinks = new Map();
  for (const cell of found.keys()) {
    const x = data[cell];
    const here = await lossOf();
    const side = async (direction: 1 | -1) => {
      data[cell] = x + direction * step;
      const far = await lossOf();
      data[cell] = x + (direction * step) / 2;
      const near = await lossOf();
      data[cell] = x;
      return (2 * (near - here)) / ((direction * step) / 2) - (far - here) / (direction * step);
    };
    kinks.set(cell, { left: await side(-1), right: await side(1) });
  }
  return kinks;
}

/**
 * Check a person's forward and backward on one fixture: the three comparisons and a diagnosis.
 * Where a step crosses a kink of the fixture's head (relu, leaky_relu, l1_mean), the cell
 * is judged against one-sided derivatives through the person's forward, as in a reference run.
 */
export async function runImplCheck(
  fixture: CheckInput,
  impl: Implementation,
  options: ImplCheckOptions = {},
): Promise<ImplCheckResult> {
  const { geo } = fixture;
  const exports = await impl.exports();
  const base: CallTensors = {
    geo,
    input: fixture.input.data,
    filter: fixture.filter.data,
    bias: fixture.bias?.data ?? null,
  };
  const target = fixture.target.data;
  const head: Head = fixture.head ?? PLAIN_HEAD;
  const precision = options.precision ?? "float64";
  // The person's forward includes the fixture's activation: it returns
  // y = act(correlation + bias), and the loss is taken on y directly.
  const referencePre = forward(geo, base.input, base.filter, base.bias);
  const referenceOutput = activate(head, referencePre);
  const started = performance.now();
  const personOutput = exports.forward ? await impl.forward(base) : null;
  const firstCallMs = performance.now() - started;
  const output = personOutput ?? referenceOutput;
  const loss = outputLoss(head, output, target);
  if (!Number.isFinite(loss)) {
    throw new RangeError("the loss of this output overflows float64: it is too large to check");
  }
  const rule = resolveRule(
    { cli: options.rule, fixture: fixture.tolerance },
    lossScale(head, loss, output, target),
    defaultsFor(isPlain(head), precision),
  );
  const forwardCheck = personOutput
    ? {
        output: personOutput,
        reference: referenceOutput,
        comparison: compare(personOutput, referenceOutput, forwardRule(rule, referenceOutput)),
      }
    : null;

  // gradOutput is dE/dy at the person's output; convcheck's own backward
  // carries it through the activation's derivative, then the correlation.
  const gradOutput = outputLossGradient(head, output, target);
  const grads = exports.backward ? await impl.backward(base, gradOutput) : {};
  const gradPre = gradOutput.map((g, i) => g * head.activation.derivative(referencePre[i]));
  const reference = backward(geo, base.input, base.filter, gradPre, base.bias !== null);

  const tensors: Array<[TensorName, Float64Array, number[]]> = [
    ["filter", base.filter, geo.filterShape],
    ["input", base.input, geo.inputShape],
  ];
  if (base.bias && geo.biasShape) tensors.push(["bias", base.bias, geo.biasShape]);
  const checked = tensors.filter(([name]) => grads[name] !== undefined);
  // E as a function of one tensor, through the person's forward when there is one.
  const lossAlong = (name: TensorName): LossAlong =>
    personOutput
      ? async (values) => outputLoss(head, await impl.forward({ ...base, [name]: values }), target)
      : referenceLoss({ ...base, target }, name, { head, precision: "float64" });
  const directionLists: Array<DirectionCheck[] | null> = [];
  for (const [name, data] of checked) {
    const fast = options.fast;
    const step = stepFor(rule.eps, data);
    const analytic = grads[name] as Float64Array;
    directionLists.push(
      fast ? await directionsAlong(lossAlong(name), name, data, analytic, step, rule, fast) : null,
    );
  }
  const selections = checked.map(([name, , shape], k) =>
    cellsToCheck(options, name, shape, geo, directionLists[k]),
  );
  const cellLists = checked.map(([, data], i) => selections[i] ?? allCells(data.length));
  const cellCount = cellLists.reduce((sum, c) => sum + c.length, 0);
  // Two calls per checked cell, and two per direction of --fast (already made).
  const directionCount = directionLists.reduce((sum, list) => sum + (list?.length ?? 0), 0);
  const forwardCalls = personOutput ? 2 * (cellCount + directionCount) : 0;
  if (forwardCalls > 0) options.onPlan?.(forwardCalls, firstCallMs);
  options.onCellsPlanned?.(cellCount);

  const gradients: TensorCheck[] = [];
  const references: ImplReport["references"] = {};
  for (const [k, [name, data, shape]] of checked.entries()) {
    const cells = cellLists[k];
    const step = stepFor(rule.eps, data);
    let values: Float64Array;
    let kinks: Kinks = new Map();
    if (personOutput) {
      // The plain definition through the person's forward: one whole call per side.
      const perturbed = data.slice();
      const call: CallTensors = { ...base, [name]: perturbed };
      values = await numericalByRerun(
        async () => outputLoss(head, await impl.forward(call), target),
        perturbed,
        cells,
        step,
        options.onProgress,
      );
      if (head.activation.hasKink || head.loss.hasKink) {
        const lossOf = async () => outputLoss(head, await impl.forward(call), target);
        kinks = await kinksThrough(lossOf, perturbed, { ...base, target }, head, name, cells, step);
      }
    } else {
      const problem: Problem = { ...base, target };
      const setting = {
        problem,
        head,
        precision: "float64" as const,
        runner: options.numerical ?? runInThread,
        onProgress: options.onProgress,
      };
      ({ values, kinks } = await numericalFor(setting, name, cells, step));
    }
    const numerical = new Float64Array(data.length).fill(Number.NaN);
    cells.forEach((cell, i) => {
      numerical[cell] = values[i];
    });
    const analytic = grads[name] as Float64Array;
    gradients.push({
      name,
      shape,
      step,
      analytic,
      numerical,
      cells: selections[k],
      comparison: judgeKinks(compare(analytic, numerical, rule, cells), analytic, kinks, rule),
      kinks,
      roundingExplained: false,
      directions: directionLists[k],
    });
    const ref = reference[name] as Float64Array;
    references[name] = { values: ref, comparison: compare(analytic, ref, rule) };
  }

  const forwardPass = forwardCheck?.comparison.pass ?? true;
  const diagnoses = diagnose({
    geo,
    rule,
    input: base.input,
    filter: base.filter,
    bias: base.bias,
    referenceOutput,
    output: personOutput,
    forwardPass,
    gradOutput: gradPre,
    activate: isPlain(head) ? undefined : (pre) => activate(head, pre),
    gradients: gradients.map((g) => ({
      name: g.name,
      shape: g.shape,
      analytic: g.analytic,
      numerical: g.numerical,
      reference: references[g.name]!.values,
      numericalPass: g.comparison.pass,
      referencePass: references[g.name]!.comparison.pass,
    })),
  });
  for (const g of gradients) {
    if (g.comparison.pass || isPlain(head)) continue;
    const problem: Problem = { ...base, target };
    const mistake = diagnoseHead(problem, head, g.name, g.analytic);
    if (mistake) diagnoses.push({ ...mistake, tensor: g.name });
  }
  const correctGradients = backward(
    geo,
    base.input,
    base.filter,
    headGradient(head, referencePre, target),
    false,
  );
  const pass =
    forwardPass && gradients.every((g) => g.comparison.pass && references[g.name]!.comparison.pass);
  return {
    geo,
    head,
    precision,
    rule,
    output,
    loss,
    gradients,
    expected: [],
    sweep: null,
    sample: options.sample ?? null,
    fast: options.fast ?? null,
    warnings: fixtureWarnings(geo, fixture),
    pass,
    impl: {
      file: impl.file,
      exports,
      forward: forwardCheck,
      references,
      missing: tensors
        .map(([name]) => name)
        .filter((name) => grads[name] === undefined && exports.backward),
      forwardCalls,
      diagnoses,
      blindSpots: blindSpots({
        geo,
        rule,
        input: base.input,
        filter: base.filter,
        bias: base.bias,
        output: referenceOutput,
        filterGradient: correctGradients.filter,
      }),
    },
  };
}
