import { backward, forward, type Gradients } from "./conv.js";
import { activate32, backward32, forward32, headGradient32, loss32 } from "./float32.js";
import { activate, type Head, headGradient, headLoss } from "./head.js";
import type { Problem } from "./numerical.js";

export type Precision = "float64" | "float32";

/** convcheck's own forward pass, loss and analytic gradients for one problem. */
export interface Reference {
  /** z = correlation + bias, before the activation. */
  pre: Float64Array;
  /** y = act(z), what the fixture's `expected.output` holds. */
  output: Float64Array;
  loss: number;
  analytic: Gradients;
}

export function preActivation(problem: Problem, precision: Precision): Float64Array {
  const run = precision === "float32" ? forward32 : forward;
  return run(problem.geo, problem.input, problem.filter, problem.bias);
}

/** E at the problem's current values, through the forward pass. */
export function lossAt(problem: Problem, head: Head, precision: Precision): number {
  const pre = preActivation(problem, precision);
  return precision === "float32"
    ? loss32(head, pre, problem.target)
    : headLoss(head, pre, problem.target);
}

export function reference(problem: Problem, head: Head, precision: Precision): Reference {
  const pre = preActivation(problem, precision);
  const single = precision === "float32";
  const output = single ? activate32(head, pre) : activate(head, pre);
  const loss = single ? loss32(head, pre, problem.target) : headLoss(head, pre, problem.target);
  const dPre = single
    ? headGradient32(head, pre, problem.target)
    : headGradient(head, pre, problem.target);
  const run = single ? backward32 : backward;
  const analytic = run(problem.geo, problem.input, problem.filter, dPre, problem.bias !== null);
  return { pre, output, loss, analytic };
}

/**
 * The size of the terms whose difference forms a numerical gradient: the
 * loss itself, the loss against a zero target and the loss of a zero output.
 * For 1/2 sum (O - T)^2 this is max(E, 1/2 sum O^2, 1/2 sum T^2).
 */
export function lossScale(
  head: Head,
  loss: number,
  output: Float64Array,
  target: Float64Array,
): number {
  let ofOutput = 0;
  let ofTarget = 0;
  for (let i = 0; i < output.length; i++) {
    ofOutput += head.loss.term(output[i], 0, output.length);
    ofTarget += head.loss.term(0, target[i], output.length);
  }
  return Math.max(loss, ofOutput, ofTarget);
}
