// Right-looking upper Cholesky A = U^T U, reading only the upper triangle of A; row-oriented so that the
// trailing update runs along contiguous rows.

export const cholesky = (a: Float64Array, n: number): Float64Array => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linalg cholesky: n = ${n} must be a non-negative integer`);
  if (a.length < n * n) throw new Error(`linalg cholesky: A has ${a.length} elements, needs n*n = ${n * n}`);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) u[i * n + j] = a[i * n + j];
  }
  for (let k = 0; k < n; k++) {
    const kk = k * n;
    const pivot = u[kk + k];
    if (!(pivot > 0) || !Number.isFinite(pivot)) {
      throw new Error(`linalg cholesky: matrix is not positive definite (pivot ${pivot} at row ${k}, column ${k})`);
    }
    const s = Math.sqrt(pivot);
    u[kk + k] = s;
    const inv = 1 / s;
    for (let j = k + 1; j < n; j++) u[kk + j] *= inv;
    for (let i = k + 1; i < n; i++) {
      const f = u[kk + i];
      if (f === 0) continue;
      const ii = i * n;
      for (let j = i; j < n; j++) u[ii + j] -= f * u[kk + j];
    }
  }
  return u;
};
