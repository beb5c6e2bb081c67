import { allClose } from "./close.js";
import { backward, forward } from "./conv.js";
import { activate, type Head, headGradient, outputLossGradient } from "./head.js";
import type { Problem, TensorName } from "./numerical.js";

export interface HeadMistake {
  code: "activation-derivative-missing" | "activation-derivative-at-output";
  message: string;
}

/**
 * Test a gradient that disagrees with the numerical one against the two
 * classic mistakes with an activation: leaving act'(z) out of the chain rule,
 * and evaluating it at the output y = act(z) instead of at z. A mistake is
 * named only when it changes the values on this fixture, so that the data can
 * tell it apart from the right answer.
 */
export function diagnoseHead(
  problem: Problem,
  head: Head,
  tensor: TensorName,
  gradient: Float64Array,
): HeadMistake | null {
  const act = head.activation;
  if (act.name === "none") return null;
  const { geo, input, filter, bias, target } = problem;
  const pre = forward(geo, input, filter, bias);
  const right = backward(geo, input, filter, headGradient(head, pre, target), bias !== null)[
    tensor
  ];
  const dy = outputLossGradient(head, activate(head, pre), target);
  const candidates: Array<[HeadMistake["code"], Float64Array, string]> = [
    [
      "activation-derivative-missing",
      dy,
      `the ${tensor} gradient is what the chain rule gives without the ${act.name} derivative: multiply dE/dy by ${act.name}'(z) before the correlation's backward pass`,
    ],
    [
      "activation-derivative-at-output",
      dy.map((g, i) => g * act.derivative(act.apply(pre[i]))),
      `the ${tensor} gradient uses ${act.name}'(y), the derivative at the output, where ${act.name}'(z) at the pre-activation belongs`,
    ],
  ];
  for (const [code, dPre, message] of candidates) {
    const wrong = backward(geo, input, filter, dPre, bias !== null)[tensor];
    if (!wrong || !right) continue;
    // The mistake must change this tensor's values, or the data cannot show it.
    if (allClose(wrong, right)) continue;
    if (allClose(gradient, wrong)) return { code, message };
  }
  return null;
}
