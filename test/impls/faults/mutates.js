// backward scales gradOutput in place before using it.
import { backward as back, forward as fwd, map } from "../common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const flatten = (v) =>
    Array.isArray(v[0])
      ? v.forEach(flatten)
      : v.forEach((_, i) => {
          v[i] *= 1;
          v[i] += 0;
        });
  flatten(args.gradOutput);
  args.input[0][0] = 12345;
  return back({ ...args, gradOutput: map(args.gradOutput, (x) => x) });
}
