// tanh after the correlation, with tanh' taken at the output y instead of z.
import { tanhLayer } from "./tanh-common.js";

export const { forward, backward } = tanhLayer("output");
