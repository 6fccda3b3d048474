// Symmetric eigensolver on flat row-major arrays: Householder reduction to tridiagonal form, then implicit-shift
// QL iterations. The orthogonal factor is kept TRANSPOSED (eigenvectors as rows) so that every Householder
// update and every Givens rotation runs along contiguous rows.

export interface SymmetricEigen {
  /** eigenvalues, unsorted */
  values: Float64Array;
  /** n x n, row i is the unit eigenvector of values[i] */
  vectorRows: Float64Array;
}

/**
 * Reduces the symmetric w (full, overwritten) to tridiagonal T = Q^T A Q. Returns the diagonal d, the
 * off-diagonal e (e[i] couples i and i+1) and Q^T (row-major).
 */
const tridiagonalize = (w: Float64Array, n: number): { d: Float64Array; e: Float64Array; qt: Float64Array } => {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const taus = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const row = k * n;
    d[k] = w[row + k];
    let xmax = 0;
    for (let j = k + 1; j < n; j++) xmax = Math.max(xmax, Math.abs(w[row + j]));
    if (xmax === 0) {
      e[k] = 0;
      continue;
    }
    // The reflector is built from x / max|x|: squaring x itself underflows once |x| < 1e-154 (graded or
    // rank-deficient input), and a sigma2 made of denormals leaves H = I - tau v v^T far from orthogonal.
    // H does not depend on the scale of v, so only e[k] needs xmax put back.
    let sigma2 = 0;
    for (let j = k + 1; j < n; j++) {
      const x = w[row + j] / xmax;
      w[row + j] = x;
      sigma2 += x * x;
    }
    const x0 = w[row + k + 1];
    const sigma = Math.sqrt(sigma2);
    const alpha = x0 >= 0 ? -sigma : sigma;
    // v = x - alpha e1 is stored in place of x (row k right of the diagonal, no longer needed).
    w[row + k + 1] = x0 - alpha;
    const vtv = sigma2 - 2 * alpha * x0 + alpha * alpha;
    const tau = 2 / vtv;
    taus[k] = tau;
    e[k] = alpha * xmax;
    // S <- H S H with H = I - tau v v^T, on the trailing block S = w[k+1:, k+1:] (kept full, both triangles).
    let kdot = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += w[ri + j] * w[row + j];
      p[i] = tau * s;
      kdot += w[row + i] * p[i];
    }
    const half = 0.5 * tau * kdot;
    for (let i = k + 1; i < n; i++) p[i] -= half * w[row + i];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const vi = w[row + i];
      const qi = p[i];
      for (let j = k + 1; j < n; j++) w[ri + j] -= vi * p[j] + qi * w[row + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = w[(n - 2) * n + n - 2];
    e[n - 2] = w[(n - 2) * n + n - 1];
  }
  if (n >= 1) d[n - 1] = w[(n - 1) * n + n - 1];

  // Q = H_0 H_1 ... H_{n-3}, built backwards so each step touches only the block it changes, then transposed.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const t = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const tau = taus[k];
    if (tau === 0) continue;
    const row = k * n;
    t.fill(0, k + 1, n);
    for (let s = k + 1; s < n; s++) {
      const vs = w[row + s];
      const qs = s * n;
      for (let c = k + 1; c < n; c++) t[c] += vs * q[qs + c];
    }
    for (let r = k + 1; r < n; r++) {
      const f = tau * w[row + r];
      if (f === 0) continue;
      const qr = r * n;
      for (let c = k + 1; c < n; c++) q[qr + c] -= f * t[c];
    }
  }
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = q[i * n + j];
  return { d: d, e: e, qt: qt };
};

/**
 * Implicit-shift QL on (d, e); rotations are applied to rows of z. d receives the eigenvalues.
 *
 * An off-diagonal is dropped once it is below eps ||T||, not eps (|d_m| + |d_m+1|): dropping it perturbs T by
 * no more than the Householder stage already has (normwise backward stability, as in EISPACK tql2). The
 * neighbour-relative test never fires for a rank-deficient matrix: its zero eigenvalues sit among diagonals of
 * size ~eps ||T|| and would need |e| ~ eps^2 ||T||, below the rounding that every sweep through the large part
 * of the block adds, so the iteration stalls until the sweep limit.
 */
const tridiagonalQl = (d: Float64Array, e: Float64Array, z: Float64Array, n: number): void => {
  const maxIter = 60;
  e[n - 1] = 0;
  // Largest absolute row sum of T: an upper bound on ||T||_2 that rotations change by at most a small factor.
  let tnorm = 0;
  for (let i = 0; i < n; i++) {
    tnorm = Math.max(tnorm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  }
  const negligible = Number.EPSILON * tnorm;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        if (Math.abs(e[m]) <= negligible) break;
      }
      if (m === l) break;
      if (++iter > maxIter) {
        throw new Error(`linalg eigh: QL iteration did not converge for eigenvalue ${l} after ${maxIter} sweeps`);
      }
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const zi = i * n;
        const zj = zi + n;
        for (let k = 0; k < n; k++) {
          const zk = z[zj + k];
          z[zj + k] = s * z[zi + k] + c * zk;
          z[zi + k] = c * z[zi + k] - s * zk;
        }
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
};

/** Eigen-decomposition of the symmetric matrix whose upper triangle is in a (row-major, n x n). */
const symmetricEigen = (a: Float64Array, n: number): SymmetricEigen => {
  // Work on a scaled full copy so that squared norms can neither overflow nor underflow.
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) scale = Math.max(scale, Math.abs(a[i * n + j]));
  if (scale === 0) scale = 1;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j] / scale;
      w[i * n + j] = v;
      w[j * n + i] = v;
    }
  }
  const tri = tridiagonalize(w, n);
  if (n > 0) tridiagonalQl(tri.d, tri.e, tri.qt, n);
  for (let i = 0; i < n; i++) tri.d[i] *= scale;
  return { values: tri.d, vectorRows: tri.qt };
};

export { symmetricEigen };
