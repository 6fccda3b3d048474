// The solver's memory-saving kernels for the portable backend: the same results and the same in-place layout as
// the native ones (the portable backend serves small problems and tests).
import { cholesky } from "./cholesky";

/** U overwrites a (lower triangle zeroed); see LinalgBackend.choleskyInPlace. */
const choleskyInPlace = (a: Float64Array, n: number): void => {
  a.set(cholesky(a, n).subarray(0, n * n));
};

const checkSplit = (n: number, split: number): void => {
  if (!Number.isInteger(split) || split < 0 || split > n) {
    throw new Error(`linalg signedOuterInPlace: split = ${split} must be an integer in [0, ${n}]`);
  }
};

const checkLowerTimes = (a: Float64Array, n: number, diag: Float64Array, w: Float64Array, k: number): void => {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0) {
    throw new Error(`linalg lowerTimes: n = ${n} and k = ${k} must be non-negative integers`);
  }
  if (a.length < n * n) throw new Error(`linalg lowerTimes: A has ${a.length} elements, needs n*n = ${n * n}`);
  if (diag.length < n) throw new Error(`linalg lowerTimes: diag has ${diag.length} elements, needs n = ${n}`);
  if (w.length < n * k) throw new Error(`linalg lowerTimes: W has ${w.length} elements, needs n*k = ${n * k}`);
};

/** See LinalgBackend.signedOuterInPlace: Theta = U D U^T into the upper triangle, U^T into the strict lower. */
const signedOuterInPlace = (a: Float64Array, n: number, split: number): Float64Array => {
  if (!Number.isInteger(n) || n < 0 || a.length < n * n) {
    throw new Error(`linalg signedOuterInPlace: A has ${a.length} elements, needs n*n for n = ${n}`);
  }
  checkSplit(n, split);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    diag[i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
  }
  // Theta(i, j) = sum_{c >= j} s_c U(i, c) U(j, c) for i <= j, with U(i, c) = a[c * n + i] (c > i) or diag[i]
  // (c = i): read from the transposed copy so that the upper triangle can be overwritten row by row.
  const u = (r: number, c: number): number => (c === r ? diag[r] : a[c * n + r]);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let c = j; c < n; c++) s += (c < split ? 1 : -1) * u(i, c) * u(j, c);
      a[i * n + j] = s;
    }
  }
  return diag;
};

/** See LinalgBackend.lowerTimes: w := L w, L = strict lower of a + diag(diag); rows from the bottom up. */
const lowerTimes = (a: Float64Array, n: number, diag: Float64Array, w: Float64Array, k: number): void => {
  checkLowerTimes(a, n, diag, w, k);
  for (let i = 0; i < n; i++) a[i * n + i] = diag[i];
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t <= i; t++) s += a[i * n + t] * w[t * k + c];
      w[i * k + c] = s;
    }
  }
};

export { choleskyInPlace, checkLowerTimes, checkSplit, lowerTimes, signedOuterInPlace };
