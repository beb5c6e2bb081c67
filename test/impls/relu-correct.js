// A conv layer followed by ReLU, with ReLU'(0) = 0 as PyTorch takes it: for
// checking that kinks crossed by a step are judged one-sidedly under --impl.
import { backward as back, forward as fwd } from "./common.js";

function zip(a, b, fn) {
  return Array.isArray(a) ? a.map((v, i) => zip(v, b[i], fn)) : fn(a, b);
}

export function forward(args) {
  const z = fwd(args);
  return zip(z, z, (v) => Math.max(v, 0));
}

export function backward(args) {
  const z = fwd(args);
  return back({ ...args, gradOutput: zip(args.gradOutput, z, (g, v) => (v > 0 ? g : 0)) });
}
