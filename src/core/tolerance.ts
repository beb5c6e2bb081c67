import type { Rule } from "./compare.js";

/**
 * Defaults, from the error analysis in the README. E is quadratic in every
 * element of the filter, input and bias, so a central difference carries no
 * truncation error: what remains is rounding in E(x + h) - E(x - h), about
 * u * (size of the terms that cancel) / h with u = 2^-53. A larger step
 * therefore lowers the error; 1e-2 of the tensor's own scale keeps about
 * twelve digits where PyTorch's 1e-6 keeps about nine.
 */
export const DEFAULT_EPS = 1e-2;
/** A correct gradient agrees to about 1e-10; a wrong one is off by O(1). */
export const DEFAULT_RTOL = 1e-6;
/** atol is this fraction of the loss scale (see lossScale). */
export const ATOL_PER_LOSS = 1e-9;

export interface FullRule extends Rule {
  eps: number;
}

export interface RuleSources {
  cli?: Partial<FullRule>;
  fixture?: Partial<FullRule>;
}

/**
 * The size of the terms whose difference forms a numerical gradient:
 * max(E, 1/2 sum O^2, 1/2 sum T^2). An absolute tolerance proportional to it
 * stays meaningful whatever the units of the fixture.
 */
export function lossScale(loss: number, output: Float64Array, target: Float64Array): number {
  let outputSquares = 0;
  let targetSquares = 0;
  for (let i = 0; i < output.length; i++) {
    outputSquares += output[i] * output[i];
    targetSquares += target[i] * target[i];
  }
  return Math.max(loss, 0.5 * outputSquares, 0.5 * targetSquares);
}

/** Command line over the fixture's `tolerance` over the defaults. */
export function resolveRule(sources: RuleSources, scale: number): FullRule {
  const pick = (key: keyof FullRule) => sources.cli?.[key] ?? sources.fixture?.[key];
  return {
    rtol: pick("rtol") ?? DEFAULT_RTOL,
    atol: pick("atol") ?? ATOL_PER_LOSS * scale,
    eps: pick("eps") ?? DEFAULT_EPS,
  };
}

/** The step for one tensor: eps times the tensor's RMS value, or eps when that is below 1. */
export function stepFor(eps: number, values: Float64Array): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  const rms = values.length ? Math.sqrt(squares / values.length) : 0;
  return eps * Math.max(1, rms);
}
