import { InvalidArgumentError } from "commander";

/** Commander argument parsers that reject bad values with a one-line reason. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a non-negative number, got "${value}"`);
  }
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return n;
}

/** A positive integer no larger than `max`, for options with a sensible ceiling. */
export function integerUpTo(max: number, what: string): (value: string) => number {
  return (value) => {
    const n = positiveInteger(value);
    if (n > max) throw new InvalidArgumentError(`expected at most ${max} ${what}, got "${value}"`);
    return n;
  };
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  }
  return n;
}

export function seedNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n >= 2 ** 32) {
    throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got "${value}"`);
  }
  return n;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
