// A convolution in both passes: the backward pass is the gradient of the
// (wrong) forward pass, so only the comparison with the correlation fails.
import { backward as back, forward as fwd } from "./common.js";

export const forward = (args) => fwd(args, { rotate: true });
export const backward = (args) => back(args, { rotate: true });
