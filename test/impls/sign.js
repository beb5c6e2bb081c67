// The filter gradient with the wrong sign: dE/dO taken as T - O.
import { backward as back, forward as fwd, map } from "./common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const grads = back(args);
  return { ...grads, filter: map(grads.filter, (x) => -x) };
}
