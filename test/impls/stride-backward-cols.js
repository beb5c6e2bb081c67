// The backward pass forgets the horizontal stride only.
import { backward as back, forward as fwd } from "./common.js";

export const forward = (args) => fwd(args);
export const backward = (args) => {
  const size = fwd(args);
  const dims = [];
  for (let v = size; Array.isArray(v); v = v[0]) dims.push(v.length);
  const [OH, OW] = dims.slice(-2);
  return back(args, { sw: 1, OH, OW });
};
