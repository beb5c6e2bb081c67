import type { Head } from "./head.js";
import type { Problem, TensorName } from "./numerical.js";
import { lossAt } from "./reference.js";

/** Unit roundoff: half the gap between 1 and the next number. */
export const UNIT_ROUNDOFF = { float64: 2 ** -53, float32: 2 ** -24 } as const;

/**
 * Numerical gradients through the float32 forward pass: every evaluation of
 * E reruns the whole single-precision correlation and loss at the perturbed
 * point, since the rounding of each operation is part of what is measured.
 * The perturbed values are float32 numbers themselves, and the step divided
 * by is the one actually taken between them.
 */
export function float32Numerical(
  problem: Problem,
  head: Head,
  tensor: TensorName,
  cells: ArrayLike<number>,
  step: number,
): Float64Array {
  const copy: Problem = {
    ...problem,
    input: problem.input.slice(),
    filter: problem.filter.slice(),
    bias: problem.bias ? problem.bias.slice() : null,
  };
  const data = copy[tensor] as Float64Array;
  const result = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const e = cells[i];
    const x = data[e];
    const plus = Math.fround(x + step);
    const minus = Math.fround(x - step);
    data[e] = plus;
    const up = lossAt(copy, head, "float32");
    data[e] = minus;
    const down = lossAt(copy, head, "float32");
    data[e] = x;
    result[i] = (up - down) / (plus - minus);
  }
  return result;
}
