/**
 * Plain gradient descent on the filter and bias, and the verdict that tells
 * a rate that is too large from a gradient that does not belong to the
 * forward pass.
 */

export type Verdict = "converges" | "diverges-lr" | "rises-inconsistent-gradient";

export interface Parameters {
  filter: Float64Array;
  bias: Float64Array | null;
}

export interface Evaluation {
  loss: number;
  filter: Float64Array;
  bias: Float64Array | null;
}

/** The loss at some parameters and the gradients descent follows there. */
export type Evaluate = (at: Parameters) => Promise<Evaluation>;

export interface Descent {
  /** The loss before the first step and after each step. */
  losses: number[];
  /** The step at which the loss stopped being a finite number, if it did. */
  overflowAt: number | null;
  /** The parameters before each step, when asked for. */
  points?: Parameters[];
}

/** theta <- theta - lr * dE/dtheta, `steps` times. */
export async function descend(
  evaluate: Evaluate,
  start: Parameters,
  lr: number,
  steps: number,
  record = false,
): Promise<Descent> {
  const at: Parameters = { filter: start.filter.slice(), bias: start.bias?.slice() ?? null };
  const losses: number[] = [];
  const points: Parameters[] | undefined = record ? [] : undefined;
  for (let step = 0; step <= steps; step++) {
    const e = await evaluate(at);
    if (!Number.isFinite(e.loss)) return { losses, overflowAt: step, points };
    losses.push(e.loss);
    points?.push({ filter: at.filter.slice(), bias: at.bias?.slice() ?? null });
    if (step === steps) break;
    for (let i = 0; i < at.filter.length; i++) at.filter[i] -= lr * e.filter[i];
    if (at.bias && e.bias) for (let i = 0; i < at.bias.length; i++) at.bias[i] -= lr * e.bias[i];
  }
  return { losses, overflowAt: null, points };
}

/** The first step whose loss exceeds the one before by more than `slack`, or -1. */
export function firstRise(losses: readonly number[], slack: number): number {
  for (let k = 1; k < losses.length; k++) if (losses[k] - losses[k - 1] > slack) return k;
  return -1;
}

/**
 * The rules, in order: `converges` when no step raises the loss by more than
 * rounding (`slack`) and the last loss is below the first; otherwise
 * `diverges-lr` when the rate is at or above the stable limit; otherwise
 * `rises-inconsistent-gradient`.
 */
export function verdictOf(d: Descent, lr: number, lrMax: number, slack: number): Verdict {
  const losses = d.losses;
  const last = losses[losses.length - 1];
  if (d.overflowAt === null && firstRise(losses, slack) < 0 && last < losses[0]) return "converges";
  return lr >= lrMax ? "diverges-lr" : "rises-inconsistent-gradient";
}
