/**
 * The inner loops of the forward and backward passes, one small function
 * per block of two output cells (rows a and a + K of the columns) by four
 * output channels (filter rows co to co + 3). Small functions are compiled
 * to machine code within a millisecond of their first calls, where one large
 * function of nested loops runs slowly for a good while first: most checks
 * are over before that.
 */

/**
 * O[co + q][p + r] = b[co + q] + sum_j window_r[j] * F[(co + q) K + j], where
 * cell r's tap j is padded[b_r + taps[j]] (columns.ts, PaddedLayout: the
 * zero-padded input, or the columns with taps 0, 1, 2, ...).
 */
export function forwardPaddedBlock(
  padded: Float64Array,
  b0: number,
  b1: number,
  taps: Int32Array,
  filter: Float64Array,
  co: number,
  K: number,
  bias: Float64Array | null,
  output: Float64Array,
  o: number,
  plane: number,
): void {
  const f0 = co * K;
  const f1 = f0 + K;
  const f2 = f1 + K;
  const f3 = f2 + K;
  let s00 = bias ? bias[co] : 0;
  let s10 = bias ? bias[co + 1] : 0;
  let s20 = bias ? bias[co + 2] : 0;
  let s30 = bias ? bias[co + 3] : 0;
  let s01 = s00;
  let s11 = s10;
  let s21 = s20;
  let s31 = s30;
  for (let j = 0; j < K; j++) {
    const t = taps[j];
    const c0 = padded[b0 + t];
    const c1 = padded[b1 + t];
    const w0 = filter[f0 + j];
    const w1 = filter[f1 + j];
    const w2 = filter[f2 + j];
    const w3 = filter[f3 + j];
    s00 += c0 * w0;
    s01 += c1 * w0;
    s10 += c0 * w1;
    s11 += c1 * w1;
    s20 += c0 * w2;
    s21 += c1 * w2;
    s30 += c0 * w3;
    s31 += c1 * w3;
  }
  output[o] = s00;
  output[o + 1] = s01;
  output[o + plane] = s10;
  output[o + plane + 1] = s11;
  output[o + 2 * plane] = s20;
  output[o + 2 * plane + 1] = s21;
  output[o + 3 * plane] = s30;
  output[o + 3 * plane + 1] = s31;
}

/** One channel of one cell: the remainders of forwardPaddedBlock. */
export function forwardPaddedOne(
  padded: Float64Array,
  b: number,
  taps: Int32Array,
  filter: Float64Array,
  co: number,
  K: number,
  bias: Float64Array | null,
  output: Float64Array,
  o: number,
): void {
  const f = co * K;
  let s = bias ? bias[co] : 0;
  for (let j = 0; j < K; j++) s += padded[b + taps[j]] * filter[f + j];
  output[o] = s;
}

/**
 * dF[co + q][j] += sum_r dO[co + q][p + r] * columns[a + r K + j] and
 * dcolumns[a + r K + j] += sum_q dO[co + q][p + r] * F[co + q][j].
 */
export function backwardBlock(
  cols: Float64Array,
  dCols: Float64Array,
  a: number,
  filter: Float64Array,
  dFilter: Float64Array,
  co: number,
  K: number,
  dOutput: Float64Array,
  o: number,
  plane: number,
): void {
  const a1 = a + K;
  const g00 = dOutput[o];
  const g01 = dOutput[o + 1];
  const g10 = dOutput[o + plane];
  const g11 = dOutput[o + plane + 1];
  const g20 = dOutput[o + 2 * plane];
  const g21 = dOutput[o + 2 * plane + 1];
  const g30 = dOutput[o + 3 * plane];
  const g31 = dOutput[o + 3 * plane + 1];
  const f0 = co * K;
  const f1 = f0 + K;
  const f2 = f1 + K;
  const f3 = f2 + K;
  for (let j = 0; j < K; j++) {
    const c0 = cols[a + j];
    const c1 = cols[a1 + j];
    dFilter[f0 + j] += g00 * c0 + g01 * c1;
    dFilter[f1 + j] += g10 * c0 + g11 * c1;
    dFilter[f2 + j] += g20 * c0 + g21 * c1;
    dFilter[f3 + j] += g30 * c0 + g31 * c1;
  }
  for (let j = 0; j < K; j++) {
    const w0 = filter[f0 + j];
    const w1 = filter[f1 + j];
    const w2 = filter[f2 + j];
    const w3 = filter[f3 + j];
    dCols[a + j] += g00 * w0 + g10 * w1 + (g20 * w2 + g30 * w3);
    dCols[a1 + j] += g01 * w0 + g11 * w1 + (g21 * w2 + g31 * w3);
  }
}

/** One channel, `cells` (1 or 2) cells: the remainders of backwardBlock. */
export function backwardFew(
  cols: Float64Array,
  dCols: Float64Array,
  a: number,
  cells: number,
  filter: Float64Array,
  dFilter: Float64Array,
  co: number,
  K: number,
  dOutput: Float64Array,
  o: number,
): void {
  const f = co * K;
  for (let r = 0; r < cells; r++) {
    const row = a + r * K;
    const g = dOutput[o + r];
    for (let j = 0; j < K; j++) {
      dFilter[f + j] += g * cols[row + j];
      dCols[row + j] += g * filter[f + j];
    }
  }
}
