// The classic strided forward exactly as people write it for a single
// channel: O[i][j] = sum over x, y of I[i + x*s - p][j + y*s - p] * F[i][j],
// the filter indexed by the output position. With an output larger than the
// filter F[i][j] does not exist and the output holds NaN.
import { backward as back } from "./common.js";

export function forward({ input, filter, stride, padding }) {
  const [s] = stride;
  const [p] = padding;
  const H = input.length;
  const W = input[0].length;
  const K = filter.length;
  const OH = Math.floor((H + padding[0] + padding[1] - K) / s) + 1;
  const OW = Math.floor((W + padding[2] + padding[3] - filter[0].length) / stride[1]) + 1;
  const out = [];
  for (let i = 0; i < OH; i++) {
    out.push([]);
    for (let j = 0; j < OW; j++) {
      let sum = 0;
      for (let x = 0; x < K; x++) {
        for (let y = 0; y < filter[0].length; y++) {
          const row = input[i + x * s - p];
          const value = row === undefined ? 0 : (row[j + y * s - p] ?? 0);
          sum += value * filter[i]?.[j];
        }
      }
      out[i].push(sum);
    }
  }
  return out;
}
export const backward = (args) => back(args);
