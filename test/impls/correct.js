// A correct implementation of the contract, as an ES module.
import { backward as back, forward as fwd } from "./common.js";

export function forward(args) {
  return fwd(args);
}

export function backward(args) {
  return back(args);
}
