// Forward pass computes a convolution (filter rotated by 180 degrees); the
// backward pass is right for the correlation.
import { backward as back, forward as fwd } from "./common.js";

export const forward = (args) => fwd(args, { rotate: true });
export const backward = (args) => back(args);
