// The input gradient cropped out of the padded buffer one cell too far down
// and right: dI[y][x] holds what belongs to dI[y + 1][x + 1].
import { backward as back, forward as fwd, mapSlices } from "./common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const grads = back(args);
  const input = mapSlices(grads.input, (s) =>
    s.map((row, y) => row.map((_, x) => s[y + 1]?.[x + 1] ?? 0)),
  );
  return { ...grads, input };
}
