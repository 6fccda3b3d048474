// The n x n oracle (small n only): Lambda = (1/n)(K_X - eta K_Y) from the kernels themselves, no features.
// Note the single 1/n (the reference helpers divide twice; docs/method.md section 7, pitfall 2).
import type { LinalgBackend, Vec } from "../linalg/backend";

export type ExactKernel = { kernel: "gaussian"; sigma: number } | { kernel: "cosine" };

/** The n x n kernel matrix K (not divided by n) of the rows of x (n x d, row-major). */
const kernelMatrix = (x: Vec, n: number, d: number, kernel: ExactKernel): Float64Array => {
  const K = new Float64Array(n * n);
  if (kernel.kernel === "cosine") {
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let ss = 0;
      for (let t = 0; t < d; t++) ss += x[i * d + t] * x[i * d + t];
      if (ss === 0) throw new RangeError(`kernelMatrix: row ${i} is a zero vector under the cosine kernel`);
      norms[i] = Math.sqrt(ss);
    }
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += x[i * d + t] * x[j * d + t];
        const v = dot / (norms[i] * norms[j]);
        K[i * n + j] = v;
        K[j * n + i] = v;
      }
    }
    return K;
  }
  const sigma = kernel.sigma;
  if (!(sigma > 0)) throw new RangeError(`kernelMatrix: sigma must be > 0, got ${sigma}`);
  const c = 1 / (2 * sigma * sigma);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[i * d + t] - x[j * d + t];
        d2 += diff * diff;
      }
      const v = Math.exp(-d2 * c);
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
};

const exactLambda = (X: Vec, Y: Vec, n: number, dX: number, dY: number, kernelX: ExactKernel,
                            kernelY: ExactKernel, eta: number): Float64Array => {
  const KX = kernelMatrix(X, n, dX, kernelX);
  const KY = kernelMatrix(Y, n, dY, kernelY);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) L[i] = (KX[i] - eta * KY[i]) / n;
  return L;
};

export interface ExactSpec {
  /** all n eigenvalues, descending */
  values: Float64Array;
  /** n x n; column j is the unit eigenvector of values[j], signed so that its entries sum to >= 0 */
  vectors: Float64Array;
  lambda: Float64Array;
}

const exactSpec = (backend: LinalgBackend, X: Vec, Y: Vec, n: number, dX: number, dY: number,
                          kernelX: ExactKernel, kernelY: ExactKernel, eta: number): ExactSpec => {
  const L = exactLambda(X, Y, n, dX, dY, kernelX, kernelY, eta);
  const r = backend.eigh(L, n);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j;
    values[j] = r.values[src];
    let s = 0;
    for (let i = 0; i < n; i++) s += r.vectors[i * n + src];
    const sign = s < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + j] = sign * r.vectors[i * n + src];
  }
  return { values: values, vectors: vectors, lambda: L };
};

export { kernelMatrix, exactLambda, exactSpec };
