import { backward, forward } from "./conv.js";
import type { Geometry } from "./geometry.js";

/**
 * The curvature of E in what gradient descent moves: the filter and the
 * bias. O is linear in both, O = J [filter; bias] + (terms of the input
 * only, none here), so E = 1/2 sum (O - T)^2 has the constant Hessian
 * H = J^T J, and `lossFactor` scales it for other quadratic losses
 * (mean (O - T)^2 has H = 2/n J^T J). H v needs no matrix: J v is the
 * forward pass run on v, and J^T u is the backward pass applied to u.
 *
 * With an activation after the bias, E = sum l(act(z), t) is no longer
 * quadratic; its Hessian at a point is H = J^T D J with one weight per
 * output cell, D = l''(y) act'(z)^2 + l'(y) act''(z) (`weights`), applied
 * on top of `lossFactor`.
 */
export interface Curvature {
  geo: Geometry;
  input: Float64Array;
  hasBias: boolean;
  lossFactor: number;
  /** Per output cell, for a Hessian taken at a point; absent for a quadratic head. */
  weights?: Float64Array | null;
}

export interface Eigen {
  value: number;
  iterations: number;
  converged: boolean;
}

/** H v for v = [filter part; bias part]. */
export function hessianTimes(c: Curvature, v: Float64Array): Float64Array {
  const filterSize = v.length - (c.hasBias ? c.geo.outChannels : 0);
  const vFilter = v.subarray(0, filterSize);
  const vBias = c.hasBias ? v.subarray(filterSize) : null;
  const jv = forward(c.geo, c.input, vFilter, vBias);
  if (c.weights) for (let i = 0; i < jv.length; i++) jv[i] *= c.weights[i];
  const jtjv = backward(c.geo, c.input, vFilter, jv, c.hasBias);
  const out = new Float64Array(v.length);
  out.set(jtjv.filter);
  if (jtjv.bias) out.set(jtjv.bias, filterSize);
  for (let i = 0; i < out.length; i++) out[i] *= c.lossFactor;
  return out;
}

/** A fixed pseudo-random start, so that runs repeat exactly. */
function start(size: number): Float64Array {
  const v = new Float64Array(size);
  let state = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    v[i] = state / 2 ** 32 - 0.5;
  }
  return v;
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}

/**
 * The largest eigenvalue of H by power iteration: v <- H v / |H v|, with
 * the Rayleigh quotient v . H v as the estimate. H is symmetric and positive
 * semi-definite, so the quotient rises towards the largest eigenvalue and
 * never passes it; iteration stops when the residual |H v - lambda v| is
 * below `tolerance * lambda` or the quotient stops moving.
 */
export function largestEigenvalue(
  c: Curvature,
  size: number,
  tolerance = 1e-10,
  maxIterations = 20_000,
): Eigen {
  const dominant = powerIteration((v) => hessianTimes(c, v), size, tolerance, maxIterations);
  if (dominant.value >= 0) return dominant;
  // An indefinite H (a curved activation at this point) can have its largest
  // magnitude on the negative side: H - value I is then positive
  // semi-definite, and its largest eigenvalue is lambda_max - value.
  const shift = dominant.value;
  const shifted = powerIteration(
    (v) => {
      const hv = hessianTimes(c, v);
      for (let i = 0; i < v.length; i++) hv[i] -= shift * v[i];
      return hv;
    },
    size,
    tolerance,
    maxIterations,
  );
  return {
    value: shifted.value + shift,
    iterations: dominant.iterations + shifted.iterations,
    converged: shifted.converged,
  };
}

function powerIteration(
  times: (v: Float64Array) => Float64Array,
  size: number,
  tolerance: number,
  maxIterations: number,
): Eigen {
  let v = start(size);
  let length = norm(v);
  for (let i = 0; i < size; i++) v[i] /= length;
  let value = 0;
  for (let k = 1; k <= maxIterations; k++) {
    const hv = times(v);
    let quotient = 0;
    for (let i = 0; i < size; i++) quotient += v[i] * hv[i];
    let residual = 0;
    for (let i = 0; i < size; i++) residual += (hv[i] - quotient * v[i]) ** 2;
    const settled = Math.abs(quotient - value) <= 1e-15 * Math.abs(quotient);
    value = quotient;
    length = norm(hv);
    if (length === 0) return { value: 0, iterations: k, converged: true };
    if (Math.sqrt(residual) <= tolerance * Math.abs(quotient) || settled) {
      return { value, iterations: k, converged: true };
    }
    v = hv;
    for (let i = 0; i < size; i++) v[i] /= length;
  }
  return { value, iterations: maxIterations, converged: false };
}
