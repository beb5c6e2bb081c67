import type { Rule } from "./compare.js";

/**
 * Defaults, from the error analysis in the README. E = 1/2 sum (O - T)^2 is
 * quadratic in every element of the filter, input and bias, so a central
 * difference carries no truncation error: what remains is rounding in
 * E(x + h) - E(x - h), about u * (size of the terms that cancel) / h with
 * u = 2^-53. A larger step therefore lowers the error; 1e-2 of the tensor's
 * own scale keeps about twelve digits where PyTorch's 1e-6 keeps about nine.
 */
export const DEFAULT_EPS = 1e-2;
/** A correct gradient agrees to about 1e-10; a wrong one is off by O(1). */
export const DEFAULT_RTOL = 1e-6;
/** atol is this fraction of the loss scale (see lossScale). */
export const ATOL_PER_LOSS = 1e-9;

/**
 * With an activation, or a mean or l1 loss, E is no longer quadratic and a
 * central difference carries truncation error h^2 * E''' / 6, which balances
 * the rounding error u * E / h near h = 1e-5 in float64.
 * The numerical check also extrapolates from steps h and h / 2
 * (numerical-head.ts), which cancels the h^2 term, so a large layer whose
 * pre-activations move a long way per step still agrees.
 */
export const NONLINEAR_EPS = 1e-5;

/**
 * In float32 (u = 2^-24) rounding dominates: a step of 1e-2 keeps about five
 * digits of a quadratic loss's gradient, and 3e-3 balances truncation for a
 * smooth head.
 */
export const FLOAT32 = { eps: 1e-2, nonlinearEps: 3e-3, rtol: 1e-3, atolPerLoss: 1e-5 } as const;

export interface RuleDefaults {
  rtol: number;
  atolPerLoss: number;
  eps: number;
}

export function defaultsFor(quadratic: boolean, precision: "float64" | "float32"): RuleDefaults {
  if (precision === "float32") {
    return {
      rtol: FLOAT32.rtol,
      atolPerLoss: FLOAT32.atolPerLoss,
      eps: quadratic ? FLOAT32.eps : FLOAT32.nonlinearEps,
    };
  }
  return {
    rtol: DEFAULT_RTOL,
    atolPerLoss: ATOL_PER_LOSS,
    eps: quadratic ? DEFAULT_EPS : NONLINEAR_EPS,
  };
}

export interface FullRule extends Rule {
  eps: number;
}

export interface RuleSources {
  cli?: Partial<FullRule>;
  fixture?: Partial<FullRule>;
}

/** Command line over the fixture's `tolerance` over the defaults. */
export function resolveRule(
  sources: RuleSources,
  scale: number,
  defaults: RuleDefaults = defaultsFor(true, "float64"),
): FullRule {
  const pick = (key: keyof FullRule) => sources.cli?.[key] ?? sources.fixture?.[key];
  return {
    rtol: pick("rtol") ?? defaults.rtol,
    atol: pick("atol") ?? defaults.atolPerLoss * scale,
    eps: pick("eps") ?? defaults.eps,
  };
}

export function rmsOf(values: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  return values.length ? Math.sqrt(squares / values.length) : 0;
}

/**
 * The step for one tensor: eps times the tensor's RMS value, or eps times
 * `floor` when that is larger. A larger step lowers rounding only while the
 * change it makes in the output, step * sensitivity, stays within the size of
 * the residual O - T; past that the terms that cancel grow with the step.
 * See `stepFloor`.
 */
export function stepFor(eps: number, values: Float64Array, floor = 1): number {
  const step = eps * Math.max(floor, rmsOf(values));
  return step > 0 ? step : eps;
}

/**
 * The floor of a tensor's step: 1, or less when the residual is small next to
 * what the tensor multiplies (`sensitivity`: the input's RMS for the filter,
 * the filter's for the input, 1 for the bias). Without it a fixture in tiny
 * units (values near 1e-12) would be stepped by eps, moving its outputs far
 * more than their residual, and a right gradient would fail.
 */
export function stepFloor(residualRms: number, sensitivity: number): number {
  if (!(sensitivity > 0)) return 1;
  return Math.min(1, residualRms / sensitivity);
}
