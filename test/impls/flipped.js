// The filter gradient rotated by 180 degrees (a kernel index running backwards).
import { backward as back, forward as fwd, mapSlices } from "./common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const grads = back(args);
  const filter = mapSlices(grads.filter, (s) => s.map((row) => [...row].reverse()).reverse());
  return { ...grads, filter };
}
