/**
 * What follows the correlation: an elementwise activation y = act(z) of the
 * pre-activation z = O + b, then a loss summed over cells,
 * E = sum over cells of term(y, t). Both are named by the fixture.
 */

export type ActivationName = "none" | "relu" | "tanh" | "sigmoid" | "leaky_relu";
export type LossName = "mse" | "mse_mean" | "l1_mean";

export interface Activation {
  name: ActivationName;
  slope: number;
  apply(z: number): number;
  /** The derivative PyTorch uses, with act'(0) = 0 for relu and slope for leaky_relu. */
  derivative(z: number): number;
  /** act''(z); 0 for the piecewise-linear rectifiers away from their kink. */
  second(z: number): number;
  /** True where act is not differentiable (z = 0 for the rectifiers). */
  hasKink: boolean;
}

export interface Loss {
  name: LossName;
  /** One cell's contribution; `count` is the number of output cells. */
  term(y: number, t: number, count: number): number;
  derivative(y: number, t: number, count: number): number;
  /** The term's second derivative in y; 0 for l1 away from its kink. */
  second(count: number): number;
  hasKink: boolean;
}

export interface Head {
  activation: Activation;
  loss: Loss;
}

export function activation(name: ActivationName, slope = 0.01): Activation {
  switch (name) {
    case "relu":
      return {
        name,
        slope: 0,
        apply: (z) => Math.max(z, 0),
        derivative: (z) => (z > 0 ? 1 : 0),
        second: () => 0,
        hasKink: true,
      };
    case "leaky_relu":
      return {
        name,
        slope,
        apply: (z) => (z > 0 ? z : slope * z),
        derivative: (z) => (z > 0 ? 1 : slope),
        second: () => 0,
        hasKink: true,
      };
    case "tanh":
      return {
        name,
        slope: 0,
        apply: Math.tanh,
        derivative: (z) => {
          const y = Math.tanh(z);
          return 1 - y * y;
        },
        second: (z) => {
          const y = Math.tanh(z);
          return -2 * y * (1 - y * y);
        },
        hasKink: false,
      };
    case "sigmoid":
      return {
        name,
        slope: 0,
        apply: sigmoid,
        derivative: (z) => {
          const y = sigmoid(z);
          return y * (1 - y);
        },
        second: (z) => {
          const y = sigmoid(z);
          return y * (1 - y) * (1 - 2 * y);
        },
        hasKink: false,
      };
    default:
      return {
        name: "none",
        slope: 0,
        apply: (z) => z,
        derivative: () => 1,
        second: () => 0,
        hasKink: false,
      };
  }
}

function sigmoid(z: number): number {
  // Split by sign so exp never overflows.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function loss(name: LossName): Loss {
  switch (name) {
    case "mse_mean":
      return {
        name,
        term: (y, t, count) => ((y - t) * (y - t)) / count,
        derivative: (y, t, count) => (2 * (y - t)) / count,
        second: (count) => 2 / count,
        hasKink: false,
      };
    case "l1_mean":
      return {
        name,
        term: (y, t, count) => Math.abs(y - t) / count,
        derivative: (y, t, count) => Math.sign(y - t) / count,
        second: () => 0,
        hasKink: true,
      };
    default:
      return {
        name: "mse",
        term: (y, t) => 0.5 * (y - t) * (y - t),
        derivative: (y, t) => y - t,
        second: () => 1,
        hasKink: false,
      };
  }
}

export const PLAIN_HEAD: Head = { activation: activation("none"), loss: loss("mse") };

/** True for the bare correlation with E = 1/2 sum (O - T)^2, which is quadratic. */
export function isPlain(head: Head): boolean {
  return head.activation.name === "none" && head.loss.name === "mse";
}

/** y = act(z) for every cell. */
export function activate(head: Head, pre: Float64Array): Float64Array {
  const out = new Float64Array(pre.length);
  for (let i = 0; i < pre.length; i++) out[i] = head.activation.apply(pre[i]);
  return out;
}

/** E = sum term(act(z), t). */
export function headLoss(head: Head, pre: Float64Array, target: Float64Array): number {
  let sum = 0;
  const { activation: act, loss: fn } = head;
  for (let i = 0; i < pre.length; i++) sum += fn.term(act.apply(pre[i]), target[i], pre.length);
  return sum;
}

/** dE/dz = term'(act(z), t) * act'(z), the gradient handed to the correlation's backward. */
export function headGradient(head: Head, pre: Float64Array, target: Float64Array): Float64Array {
  const grad = new Float64Array(pre.length);
  const { activation: act, loss: fn } = head;
  for (let i = 0; i < pre.length; i++) {
    grad[i] = fn.derivative(act.apply(pre[i]), target[i], pre.length) * act.derivative(pre[i]);
  }
  return grad;
}

/** E = sum term(y, t) for outputs y that already went through the activation. */
export function outputLoss(head: Head, output: Float64Array, target: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < output.length; i++)
    sum += head.loss.term(output[i], target[i], output.length);
  return sum;
}

/** dE/dy for outputs y that already went through the activation. */
export function outputLossGradient(
  head: Head,
  output: Float64Array,
  target: Float64Array,
): Float64Array {
  const grad = new Float64Array(output.length);
  for (let i = 0; i < output.length; i++) {
    grad[i] = head.loss.derivative(output[i], target[i], output.length);
  }
  return grad;
}

/**
 * The Hessian's weight of each output cell at a point: E = sum l(act(z), t)
 * has d^2E/dz^2 = l''(y) act'(z)^2 + l'(y) act''(z), cell by cell.
 */
export function curvatureWeights(
  head: Head,
  pre: Float64Array,
  target: Float64Array,
): Float64Array {
  const { activation: act, loss: fn } = head;
  const weights = new Float64Array(pre.length);
  for (let i = 0; i < pre.length; i++) {
    const y = act.apply(pre[i]);
    const d = act.derivative(pre[i]);
    const first = fn.derivative(y, target[i], pre.length);
    weights[i] = fn.second(pre.length) * d * d + first * act.second(pre[i]);
  }
  return weights;
}
