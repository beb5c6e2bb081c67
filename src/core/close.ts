/** Whether two tensors agree cell by cell to the given relative and absolute tolerance. */
export function allClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rtol = 1e-9,
  atol = 1e-12,
): boolean {
  if (a.length !== b.length) return false;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) {
    if (
      !(
        Math.abs(a[i] - b[i]) <=
        atol * Math.max(1, scale) + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i]))
      )
    ) {
      return false;
    }
  }
  return true;
}
