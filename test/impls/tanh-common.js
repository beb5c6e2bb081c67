// A conv layer followed by tanh, for checking --impl with an activation: the
// person's forward returns y = tanh(z) and backward gets dE/dy. `derivative`
// says where the chain rule takes tanh' (the right place is z).
import { backward as back, forward as fwd } from "./common.js";

function zip(a, b, fn) {
  return Array.isArray(a) ? a.map((v, i) => zip(v, b[i], fn)) : fn(a, b);
}

const dTanh = (v) => 1 - Math.tanh(v) ** 2;

export function tanhLayer(derivative) {
  return {
    forward: (args) => zip(fwd(args), fwd(args), (z) => Math.tanh(z)),
    backward: (args) => {
      const z = fwd(args);
      const gradPre = zip(args.gradOutput, z, (g, v) => {
        if (derivative === "missing") return g;
        if (derivative === "output") return g * dTanh(Math.tanh(v));
        return g * dTanh(v);
      });
      return back({ ...args, gradOutput: gradPre });
    },
  };
}
