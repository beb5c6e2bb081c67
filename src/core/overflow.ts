import { InputError } from "./errors.js";
import { formatIndex, type Tensor, unravel } from "./tensor.js";

/**
 * The error for a fixture too large to check: it names the fixture's largest
 * value, the likeliest culprit, by its JSON path (squares of values near
 * 1e154 already pass float64's largest number).
 */
export function overflowError(tensors: Array<[string, Tensor | null]>): InputError {
  let where = "";
  let largest = 0;
  for (const [name, tensor] of tensors) {
    if (!tensor) continue;
    tensor.data.forEach((value, cell) => {
      if (Math.abs(value) > Math.abs(largest)) {
        largest = value;
        where = `${name}${formatIndex(unravel(cell, tensor.shape))}`;
      }
    });
  }
  return new InputError(
    where,
    `found ${largest}; values this large overflow the check (the loss, a gradient or a perturbed loss passes the largest representable number); scale the fixture's values down`,
  );
}

/**
 * Whether a check at this size would overflow somewhere: the loss itself, the
 * analytic gradients, or the perturbed losses of the numerical check, which
 * grow past the loss by the step (hence the margin of 1e8). A fixture this
 * large cannot be checked; reporting its gradient as wrong would mislead.
 */
export function tooLarge(
  scale: number,
  largest: number,
  gradients: Array<Float64Array | null>,
): boolean {
  if (!(scale * 1e8 < largest)) return true;
  return gradients.some((g) => g?.some((v) => !Number.isFinite(v)) ?? false);
}
