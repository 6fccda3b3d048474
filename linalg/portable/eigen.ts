// Eigendecompositions for the portable backend via ml-matrix's EigenvalueDecomposition (Householder
// tridiagonalisation + QL for symmetric input, Hessenberg + QR for general input).
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { EigResult, EighResult } from "../backend";

const checkSquare = (op: string, a: Float64Array, n: number): void => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linalg ${op}: n = ${n} must be a non-negative integer`);
  if (a.length < n * n) throw new Error(`linalg ${op}: A has ${a.length} elements, needs n*n = ${n * n}`);
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) {
      throw new Error(`linalg ${op}: A has a non-finite value ${a[i]} at row ${Math.floor(i / n)}, column ${i % n}`);
    }
  }
};

/** Symmetric matrix built from the upper triangle of a, as ml-matrix wants it. */
const symmetricFromUpper = (a: Float64Array, n: number): Matrix => {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j];
      m.set(i, j, v);
      m.set(j, i, v);
    }
  }
  return m;
};

const sortedEigh = (a: Float64Array, n: number, il: number, iu: number): EighResult => {
  const evd = new EigenvalueDecomposition(symmetricFromUpper(a, n), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  // ml-matrix returns ascending order already; sort anyway so the contract does not rest on that.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => vals[p] - vals[q]);
  const k = iu - il + 1;
  const values = new Float64Array(k);
  const vectors = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const src = order[il + c];
    values[c] = vals[src];
    for (let r = 0; r < n; r++) vectors[r * k + c] = vecs.get(r, src);
  }
  return { values: values, vectors: vectors };
};

const eigh = (a: Float64Array, n: number): EighResult => {
  checkSquare("eigh", a, n);
  return sortedEigh(a, n, 0, n - 1);
};

const checkRange = (n: number, il: number, iu: number): void => {
  if (!Number.isInteger(il) || !Number.isInteger(iu) || il < 0 || iu >= n || il > iu) {
    throw new Error(`linalg eighRange: index range ${il}..${iu} must satisfy 0 <= il <= iu < n = ${n}`);
  }
};

const eighRange = (a: Float64Array, n: number, il: number, iu: number): EighResult => {
  checkSquare("eighRange", a, n);
  checkRange(n, il, iu);
  return sortedEigh(a, n, il, iu);
};

const eig = (a: Float64Array, n: number): EigResult => {
  checkSquare("eig", a, n);
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
  const evd = new EigenvalueDecomposition(m);
  const vecs = evd.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = vecs.get(r, c);
  return {
    re: Float64Array.from(evd.realEigenvalues),
    im: Float64Array.from(evd.imaginaryEigenvalues),
    vectors: vectors,
  };
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { checkRange, eigh, eighRange, eig };
