// forward never returns.
export function forward() {
  for (;;) {}
}
