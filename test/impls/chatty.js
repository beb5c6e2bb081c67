// A correct implementation that logs on every call.
import { backward as back, forward as fwd } from "./common.js";

export function forward(args) {
  console.log("forward called");
  return fwd(args);
}
export const backward = (args) => back(args);
