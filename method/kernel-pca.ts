// Map coordinates for the report: the top principal axes of one side's centred feature covariance, C_XX - mu mu^T
// (mu = the features' column means). A row's coordinates (phi(x) - mu) . e_j are its kernel-PCA coordinates (the
// leading eigenvectors of the centred n x n kernel matrix, scaled by sqrt(n lambda_j)), computed in the score
// pass as extra columns of the same GEMM as the scores: no second job and no t-SNE.
import type { LinalgBackend } from "../linalg/backend";
import { extremeEigenpairs } from "./lanczos";

/**
 * From this block size the axes come from block Lanczos (residual 1e-6: plot coordinates, and the variances are
 * Rayleigh quotients, accurate to its square), below it from a full eigendecomposition.
 */
const LANCZOS_MIN_D = 1000;

interface PcaAxes {
  /** d x count row-major; column j is the unit axis e_j, signed so that its largest |entry| is positive */
  vectors: Float64Array;
  /** eigenvalues of the centred covariance, descending (the variance along each axis) */
  values: Float64Array;
  /** mu . e_j, subtracted from phi . e_j to centre the coordinates */
  offsets: Float64Array;
}

/**
 * The `count` top axes of the centred covariance of features [off, off + d) of the M x M C; colSum (length M) and
 * n give mu. The block is copied (d x d) and centred; C is not modified.
 */
const pcaAxes = (backend: LinalgBackend, C: Float64Array, M: number, off: number, d: number,
                 colSum: Float64Array, n: number, count: number): PcaAxes => {
  const k = Math.min(count, d);
  const mu = new Float64Array(d);
  for (let i = 0; i < d; i++) mu[i] = colSum[off + i] / n;
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const row = (off + i) * M + off;
    for (let j = 0; j < d; j++) A[i * d + j] = C[row + j] - mu[i] * mu[j];
  }
  let vectors: Float64Array;
  let values: Float64Array;
  const r = d >= LANCZOS_MIN_D && 8 * k <= d
    ? extremeEigenpairs(backend, (X, b) => backend.gemm(A, X, d, d, b), d, { kTop: k, kBottom: 0, tol: 1e-6 })
    : undefined;
  if (r && r.converged) {
    vectors = r.topVectors;
    values = r.top;
  } else {
    const e = backend.eighEnds(A, d, 0, k);
    // ascending: the last k are the largest
    values = new Float64Array(k);
    vectors = new Float64Array(d * k);
    for (let j = 0; j < k; j++) {
      values[j] = e.values[e.values.length - 1 - j];
      for (let i = 0; i < d; i++) vectors[i * k + j] = e.vectors[i * k + (k - 1 - j)];
    }
  }
  const offsets = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let i = 0; i < d; i++) if (Math.abs(vectors[i * k + j]) > Math.abs(big)) big = vectors[i * k + j];
    const s = big < 0 ? -1 : 1;
    let dot = 0;
    for (let i = 0; i < d; i++) {
      vectors[i * k + j] *= s;
      dot += mu[i] * vectors[i * k + j];
    }
    offsets[j] = dot;
  }
  return { vectors: vectors, values: values, offsets: offsets };
};

export { pcaAxes, PcaAxes };
