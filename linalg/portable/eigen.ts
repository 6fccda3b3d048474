// Eigendecompositions for the portable backend: symmetric input through the flat-array solver in
// symmetric-eigen.ts, general input through ml-matrix's EigenvalueDecomposition (Hessenberg + shifted QR).
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { EigResult, EighResult } from "../backend";
import { symmetricEigen } from "./symmetric-eigen";

const checkSquare = (op: string, a: Float64Array, n: number): void => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linalg ${op}: n = ${n} must be a non-negative integer`);
  if (a.length < n * n) throw new Error(`linalg ${op}: A has ${a.length} elements, needs n*n = ${n * n}`);
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) {
      throw new Error(`linalg ${op}: A has a non-finite value ${a[i]} at row ${Math.floor(i / n)}, column ${i % n}`);
    }
  }
};

const sortedEigh = (a: Float64Array, n: number, il: number, iu: number): EighResult => {
  const r = symmetricEigen(a, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => r.values[p] - r.values[q]);
  const k = iu - il + 1;
  const values = new Float64Array(k);
  const vectors = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const src = order[il + c];
    values[c] = r.values[src];
    const row = src * n;
    for (let i = 0; i < n; i++) vectors[i * k + c] = r.vectorRows[row + i];
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

const checkEnds = (n: number, kLow: number, kHigh: number): void => {
  if (!Number.isInteger(kLow) || !Number.isInteger(kHigh) || kLow < 0 || kHigh < 0 || kLow + kHigh > n) {
    throw new Error(`linalg eighEnds: kLow = ${kLow}, kHigh = ${kHigh} must be non-negative with kLow + kHigh <= n = ${n}`);
  }
};

/** Portable eighEnds: the full decomposition, then the selected columns (a is left as it was). */
const eighEnds = (a: Float64Array, n: number, kLow: number, kHigh: number): EighResult => {
  checkSquare("eighEnds", a, n);
  checkEnds(n, kLow, kHigh);
  const full = n === 0 ? { values: new Float64Array(0), vectors: new Float64Array(0) } : sortedEigh(a, n, 0, n - 1);
  const k = kLow + kHigh;
  const vectors = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) vectors[i * k + c] = full.vectors[i * n + (c < kLow ? c : n - kHigh + (c - kLow))];
  }
  return { values: full.values, vectors: vectors };
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
export { checkEnds, checkRange, eigh, eighEnds, eighRange, eig };
