// tanh after the correlation, with tanh' taken at the pre-activation z, as it should be.
import { tanhLayer } from "./tanh-common.js";

export const { forward, backward } = tanhLayer("right");
