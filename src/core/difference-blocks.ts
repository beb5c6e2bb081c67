/**
 * The inner loops of the numerical check (difference.ts), each a small
 * function so that it is compiled early and shared. `P` and `M` are a row at
 * x + h and at x - h; each returns sum over its cells of
 * (O+ - T)^2 - (O- - T)^2, every O recomputed from all of its terms.
 */

/** (p - t)^2 - (m - t)^2: one cell's share of the loss difference, doubled. */
export function squares(p: number, m: number, t: number): number {
  return (p - t) * (p - t) - (m - t) * (m - t);
}

/** Four cells (columns rows a, a + K, ...) against filter rows P and M. */
export function fourCells(
  cols: Float64Array,
  a: number,
  K: number,
  P: Float64Array,
  M: Float64Array,
  bias: number,
  target: Float64Array,
  t: number,
): number {
  const a1 = a + K;
  const a2 = a1 + K;
  const a3 = a2 + K;
  let s0p = bias;
  let s0m = bias;
  let s1p = bias;
  let s1m = bias;
  let s2p = bias;
  let s2m = bias;
  let s3p = bias;
  let s3m = bias;
  for (let j = 0; j < K; j++) {
    const fp = P[j];
    const fm = M[j];
    const c0 = cols[a + j];
    const c1 = cols[a1 + j];
    const c2 = cols[a2 + j];
    const c3 = cols[a3 + j];
    s0p += c0 * fp;
    s0m += c0 * fm;
    s1p += c1 * fp;
    s1m += c1 * fm;
    s2p += c2 * fp;
    s2m += c2 * fm;
    s3p += c3 * fp;
    s3m += c3 * fm;
  }
  return (
    squares(s0p, s0m, target[t]) +
    squares(s1p, s1m, target[t + 1]) +
    (squares(s2p, s2m, target[t + 2]) + squares(s3p, s3m, target[t + 3]))
  );
}

/** One cell (columns row a) against filter rows P and M. */
export function oneCell(
  cols: Float64Array,
  a: number,
  K: number,
  P: Float64Array,
  M: Float64Array,
  plus: number,
  minus: number,
  t: number,
): number {
  let sp = plus;
  let sm = minus;
  for (let j = 0; j < K; j++) {
    const c = cols[a + j];
    sp += c * P[j];
    sm += c * M[j];
  }
  return squares(sp, sm, t);
}

/** Cell rows P and M against the filter rows of channels co to co + 3. */
export function fourChannels(
  P: Float64Array,
  M: Float64Array,
  K: number,
  filter: Float64Array,
  co: number,
  bias: Float64Array | null,
  target: Float64Array,
  t: number,
  plane: number,
): number {
  const f0 = co * K;
  const f1 = f0 + K;
  const f2 = f1 + K;
  const f3 = f2 + K;
  let s0p = bias ? bias[co] : 0;
  let s1p = bias ? bias[co + 1] : 0;
  let s2p = bias ? bias[co + 2] : 0;
  let s3p = bias ? bias[co + 3] : 0;
  let s0m = s0p;
  let s1m = s1p;
  let s2m = s2p;
  let s3m = s3p;
  for (let j = 0; j < K; j++) {
    const vp = P[j];
    const vm = M[j];
    const w0 = filter[f0 + j];
    const w1 = filter[f1 + j];
    const w2 = filter[f2 + j];
    const w3 = filter[f3 + j];
    s0p += vp * w0;
    s0m += vm * w0;
    s1p += vp * w1;
    s1m += vm * w1;
    s2p += vp * w2;
    s2m += vm * w2;
    s3p += vp * w3;
    s3m += vm * w3;
  }
  return (
    squares(s0p, s0m, target[t]) +
    squares(s1p, s1m, target[t + plane]) +
    (squares(s2p, s2m, target[t + 2 * plane]) + squares(s3p, s3m, target[t + 3 * plane]))
  );
}
