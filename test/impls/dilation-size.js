// The output size computed without dilation: floor((H + pads - KH) / s) + 1.
import { forward as fwd } from "./common.js";

export function forward(args) {
  const [H, W] = (function dims(v, d = []) {
    return Array.isArray(v) ? dims(v[0], [...d, v.length]) : d;
  })(args.input).slice(-2);
  const [KH, KW] = (function dims(v, d = []) {
    return Array.isArray(v) ? dims(v[0], [...d, v.length]) : d;
  })(args.filter).slice(-2);
  const [t, b, l, r] = args.padding;
  const OH = Math.floor((H + t + b - KH) / args.stride[0]) + 1;
  const OW = Math.floor((W + l + r - KW) / args.stride[1]) + 1;
  return fwd(args, { OH, OW });
}
