/** The pass rule: a cell passes when |a - n| <= atol + rtol * max(|a|, |n|). */
export interface Rule {
  rtol: number;
  atol: number;
}

/** |a - n| / max(|a|, |n|), and 0 when both are 0. */
export function relativeError(a: number, n: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(n));
  return scale === 0 ? 0 : Math.abs(a - n) / scale;
}

export function cellPasses(a: number, n: number, rule: Rule): boolean {
  return Math.abs(a - n) <= rule.atol + rule.rtol * Math.max(Math.abs(a), Math.abs(n));
}

export interface Comparison {
  /** Per cell; NaN where the cell was not checked. */
  relError: Float64Array;
  failing: number[];
  checked: number;
  maxRelError: number;
  /** Flat index of the worst checked cell (largest excess over the rule). */
  worst: number;
  pass: boolean;
}

/**
 * Compare two tensors cell by cell. `cells` limits the comparison to the
 * checked cells; `reference` holds values only at those cells.
 */
export function compare(
  analytic: ArrayLike<number>,
  reference: ArrayLike<number>,
  rule: Rule,
  cells?: ArrayLike<number>,
): Comparison {
  const relError = new Float64Array(analytic.length).fill(Number.NaN);
  const failing: number[] = [];
  let maxRelError = 0;
  let worst = -1;
  let worstExcess = Number.NEGATIVE_INFINITY;
  const count = cells ? cells.length : analytic.length;
  for (let i = 0; i < count; i++) {
    const cell = cells ? cells[i] : i;
    const a = analytic[cell];
    const n = reference[cell];
    const err = relativeError(a, n);
    relError[cell] = err;
    if (err > maxRelError || Number.isNaN(err)) maxRelError = err;
    const bound = rule.atol + rule.rtol * Math.max(Math.abs(a), Math.abs(n));
    const excess = Math.abs(a - n) - bound;
    if (!(excess <= 0)) failing.push(cell);
    // Rank by how far past the rule a cell lies, then by relative error, so
    // the worst cell named is the one that matters for the verdict.
    const rank = excess > 0 ? excess / (bound || 1) : err - 1;
    if (worst < 0 || rank > worstExcess) {
      worst = cell;
      worstExcess = rank;
    }
  }
  return {
    relError,
    failing,
    checked: count,
    maxRelError,
    worst,
    pass: failing.length === 0,
  };
}
