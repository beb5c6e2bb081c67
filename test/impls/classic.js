// The classic strided forward: O[i][j] = sum over x, y of
// I[i + x*s - p][j + y*s - p] * F[x][y]: the stride multiplies the filter
// offset instead of the output position (stride and dilation swapped), with
// the usual output size; the backward pass is the right one for the
// correlation. Reads outside the input count as zero padding.
import { backward as back, forward as fwd, layer } from "./common.js";

export function forward(args) {
  const L = layer(args);
  return fwd(args, { sh: L.dh, sw: L.dw, dh: L.sh, dw: L.sw, OH: L.OH, OW: L.OW });
}
export const backward = (args) => back(args);
