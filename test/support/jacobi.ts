/**
 * Eigenvalues of a symmetric matrix by cyclic Jacobi rotations: each
 * rotation zeroes one off-diagonal pair, and sweeps repeat until the
 * off-diagonal mass is negligible. Written for the tests as an oracle that
 * shares nothing with convcheck's power iteration.
 */
export function symmetricEigenvalues(matrix: number[][], tolerance = 1e-14): number[] {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const offDiagonal = () => {
    let sum = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sum += a[i][j] ** 2;
    return Math.sqrt(sum);
  };
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale += a[i][j] ** 2;
  scale = Math.sqrt(scale) || 1;
  for (let sweep = 0; sweep < 100 && offDiagonal() > tolerance * scale; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        // The rotation angle that zeroes a[p][q]: tan(2 theta) = 2 a_pq / (a_qq - a_pp).
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]).sort((x, y) => y - x);
}
