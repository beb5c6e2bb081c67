// dE/dInput returned with the padding rows and columns still attached.
import { backward as back, forward as fwd, mapSlices } from "./common.js";

export const forward = (args) => fwd(args);
export function backward(args) {
  const [t, b, l, r] = args.padding;
  const grads = back(args);
  const input = mapSlices(grads.input, (s) => {
    const width = s[0].length + l + r;
    const zeros = () => new Array(width).fill(0);
    const rows = s.map((row) => [...new Array(l).fill(0), ...row, ...new Array(r).fill(0)]);
    return [...Array.from({ length: t }, zeros), ...rows, ...Array.from({ length: b }, zeros)];
  });
  return { ...grads, input };
}
