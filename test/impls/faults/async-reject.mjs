// forward returns a Promise that rejects.
export async function forward() {
  throw new RangeError("kernel does not fit");
}
