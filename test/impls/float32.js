// A correct layer that computes in single precision, as typed-array and GPU
// code does: right, but off by float32 rounding.
import { backward as back, forward as fwd, map } from "./common.js";

const round = (value) => map(value, Math.fround);
const single = (args) => ({ ...args, input: round(args.input), filter: round(args.filter) });

export const forward = (args) => round(fwd(single(args)));
export const backward = (args) => {
  const grads = back({ ...single(args), gradOutput: round(args.gradOutput) });
  return Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, round(v)]));
};
