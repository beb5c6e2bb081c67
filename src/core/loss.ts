/** E = 1/2 * sum (O - T)^2 */
export function loss(output: Float64Array, target: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < output.length; i++) {
    const r = output[i] - target[i];
    sum += r * r;
  }
  return 0.5 * sum;
}

/** dE/dO = O - T */
export function lossGradient(output: Float64Array, target: Float64Array): Float64Array {
  const grad = new Float64Array(output.length);
  for (let i = 0; i < output.length; i++) grad[i] = output[i] - target[i];
  return grad;
}
