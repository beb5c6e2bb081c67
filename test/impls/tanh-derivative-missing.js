// tanh after the correlation, with tanh' taken nowhere: the derivative is left out.
import { tanhLayer } from "./tanh-common.js";

export const { forward, backward } = tanhLayer("missing");
