// The filter gradient written as dF[kx][ky]: rows and columns swapped.
import { backward as back, forward as fwd, mapSlices } from "./common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const grads = back(args);
  const filter = mapSlices(grads.filter, (s) => s[0].map((_, x) => s.map((row) => row[x])));
  return { ...grads, filter };
}
