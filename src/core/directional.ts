import { im2col } from "./columns.js";
import { cellPasses, type Rule, relativeError } from "./compare.js";
import { forward, forwardColumns } from "./conv.js";
import { type Head, headLoss, isPlain } from "./head.js";
import { loss as plainLoss } from "./loss.js";
import type { Problem, TensorName } from "./numerical.js";
import { seededRandom } from "./random.js";
import { lossAt, type Precision } from "./reference.js";

/** Directions per tensor for --fast. */
export const DEFAULT_DIRECTIONS = 3;

/** One direction of `--fast`: the two sides of d/dt E(x + t d) at t = 0. */
export interface DirectionCheck {
  /** sum_i analytic[i] * d[i] */
  analytic: number;
  /** (E(x + h d) - E(x - h d)) / 2h, each E a full forward pass */
  numerical: number;
  relError: number;
  pass: boolean;
}

/** A direction with every entry uniform in [-1, 1), from the seeded generator. */
export function randomDirection(length: number, next: () => number): Float64Array {
  const d = new Float64Array(length);
  for (let i = 0; i < length; i++) d[i] = 2 * next() - 1;
  return d;
}

export interface DirectionalSetting {
  head: Head;
  precision: Precision;
}

/** E as a function of one tensor's values, everything else held fixed. */
export type LossAlong = (values: Float64Array) => number | Promise<number>;

/**
 * E through convcheck's own forward pass as a function of `tensor`. When
 * only the filter or the bias moves, the input's columns are the same at
 * every point and are laid out once.
 */
export function referenceLoss(
  problem: Problem,
  tensor: TensorName,
  setting: DirectionalSetting,
): LossAlong {
  const { head, precision } = setting;
  if (precision !== "float64") {
    return (values) => lossAt({ ...problem, [tensor]: values }, head, precision);
  }
  const { geo, target } = problem;
  // The plain loss in one loop: the head's per-cell calls cost more than the pass itself when cold.
  const lossOf = isPlain(head)
    ? (pre: Float64Array) => plainLoss(pre, target)
    : (pre: Float64Array) => headLoss(head, pre, target);
  if (tensor === "input") {
    return (values) => lossOf(forward(geo, values, problem.filter, problem.bias));
  }
  const columns = im2col(geo, problem.input);
  const output = new Float64Array(target.length);
  return (values) => {
    const filter = tensor === "filter" ? values : problem.filter;
    const bias = tensor === "bias" ? values : problem.bias;
    return lossOf(forwardColumns(geo, columns, filter, bias, output));
  };
}

/**
 * Directional checks of one tensor's gradient: for `directions` seeded
 * random directions d, the derivative of the loss along d by central
 * differences through the whole forward pass, against the dot product of
 * the analytic gradient with d. Cheap (two forward passes per direction) but
 * blind to where an error sits, and an error in a single cell only shows
 * when it is larger than about rtol * sqrt(cells) times the typical
 * gradient; a failing direction is located by the per-cell check.
 */
export async function directionsAlong(
  lossOf: LossAlong,
  tensor: TensorName,
  original: Float64Array,
  analytic: Float64Array,
  step: number,
  rule: Rule,
  options: { directions: number; seed: number },
): Promise<DirectionCheck[]> {
  const moved = original.slice();
  const next = seededRandom(directionSeed(options.seed, tensor));
  const checks: DirectionCheck[] = [];
  for (let r = 0; r < options.directions; r++) {
    const d = randomDirection(original.length, next);
    const dot = dotProduct(analytic, d);
    const up = await lossOf(along(moved, original, step, d));
    const down = await lossOf(along(moved, original, -step, d));
    const numerical = (up - down) / (2 * step);
    checks.push({
      analytic: dot,
      numerical,
      relError: relativeError(dot, numerical),
      pass: cellPasses(dot, numerical, rule),
    });
  }
  return checks;
}

// The loops live outside the async function: code after an await resumes
// unoptimized until the whole function is, which a few calls never make it.
function dotProduct(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** moved = original + t d */
function along(moved: Float64Array, original: Float64Array, t: number, d: Float64Array) {
  for (let i = 0; i < d.length; i++) moved[i] = original[i] + t * d[i];
  return moved;
}

/** Directional checks through convcheck's own forward pass. */
export function directionalChecks(
  problem: Problem,
  setting: DirectionalSetting & { rule: Rule },
  tensor: TensorName,
  analytic: Float64Array,
  step: number,
  options: { directions: number; seed: number },
): Promise<DirectionCheck[]> {
  const lossOf = referenceLoss(problem, tensor, setting);
  const original = problem[tensor] as Float64Array;
  return directionsAlong(lossOf, tensor, original, analytic, step, setting.rule, options);
}

function directionSeed(seed: number, tensor: TensorName): number {
  const salt = { filter: 0x68e31da4, input: 0xb5297a4d, bias: 0x1b56c4e9 }[tensor];
  return (Math.imul(seed ^ salt, 0x165667b1) ^ (seed >>> 13)) >>> 0;
}
