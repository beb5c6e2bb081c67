import { expect } from "vitest";

export interface Closeness {
  rtol: number;
  atol: number;
}

/**
 * The one float comparison the tests use: every cell must satisfy
 * |actual - expected| <= atol + rtol * |expected|. The first offending cell
 * is named, so a failure says where and by how much.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Closeness,
  label = "values",
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const bound = tolerance.atol + tolerance.rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= bound)) {
      expect.fail(`${label}[${i}]: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
    }
  }
}

/**
 * The same rule as a yes/no answer, for tests that must decide something
 * (does a deliberate mistake change the values on this fixture?) rather
 * than assert it.
 */
export function isAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Closeness,
): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const bound = tolerance.atol + tolerance.rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) return false;
  }
  return true;
}

/** The largest absolute value, or 1 when that is smaller: a scale for atol. */
export function scaleOf(values: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
  return scale;
}

/** Flatten nested arrays of numbers in row-major order. */
export function flat(nested: unknown): number[] {
  return Array.isArray(nested) ? nested.flatMap(flat) : [nested as number];
}
