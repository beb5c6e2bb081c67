// Padding put on the wrong sides (top with bottom, left with right swapped)
// in both passes.
import { backward as back, forward as fwd } from "./common.js";

const swapped = (args) => {
  const [t, b, l, r] = args.padding;
  return { pt: b, pb: t, pl: r, pr: l };
};
export const forward = (args) => fwd(args, swapped(args));
export const backward = (args) => back(args, swapped(args));
