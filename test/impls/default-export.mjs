// A correct implementation exported as one default object.
import { backward, forward } from "./common.js";

export default { forward: (args) => forward(args), backward: (args) => backward(args) };
