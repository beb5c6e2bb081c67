/**
 * The one float comparison the tests use: every |actual - expected| within
 * `tolerance` times the larger of 1 and the expected tensor's largest
 * magnitude, so cells near zero are held to the tensor's own scale.
 */
export function allClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): boolean {
  if (actual.length !== expected.length) return false;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance * scale)) return false;
  }
  return true;
}
