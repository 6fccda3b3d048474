// The few extreme eigenpairs of a large symmetric operator, applied only as block products A X (docs/method.md
// section 4, "Solving for the reported modes only"). SPEC reports k eigenpairs of each sign of an M x M matrix;
// a full eigensolver reduces the whole matrix to tridiagonal form (~4/3 M^3, half of it memory-bound BLAS-2), while
// a block Krylov method needs a few dozen products with M x b blocks (BLAS-3, 2 M^2 b each).
//
// Method: restarted block Lanczos with full reorthogonalisation. A cycle builds an orthonormal basis Q of
// span{X0, A X0, A^2 X0, ...} block by block (classical Gram-Schmidt against all of Q, twice, then a QR of the
// block; a column that vanishes, i.e. an invariant subspace was reached, is replaced by a seeded random one), keeps
// A Q, and solves the projected m x m problem Q^T A Q exactly (Rayleigh-Ritz). Each wanted Ritz pair (theta, x)
// is accepted when its true residual ||A x - theta x|| <= tol * ||A||_est (||A||_est = the largest |Ritz value|,
// a lower bound of ||A||, so the test is slightly strict). Otherwise the next cycle restarts from the wanted Ritz
// vectors plus the next ones inward (thick restart in block form). A caller falls back to a full eigensolver when
// `converged` is false.
//
// Randomness: the start block and replacement columns come from method/prng.ts seeded by `seed`; the same seed
// gives the same numbers.
import type { LinalgBackend } from "../linalg/backend";
import { Prng } from "./prng";

export interface ExtremeOptions {
  /** wanted largest (algebraic) eigenpairs */
  kTop: number;
  /** wanted smallest (algebraic) eigenpairs */
  kBottom: number;
  /**
   * relative residual accepted per eigenpair (default 1e-10). Restarting from nearly exact Ritz vectors, the next
   * direction is A X - X Theta, computed with cancellation: below ~1e-11 the residual falls by a few % per cycle
   * (measured), so a tighter tolerance costs cycles for nothing: the eigenvalue error is ~residual^2 / gap and
   * the eigenvector angle ~residual / gap.
   */
  tol?: number;
  /** block size (default max(kTop + kBottom, 8), at most M) */
  block?: number;
  /** basis size per cycle (default ~ 8 blocks, at most M) */
  basis?: number;
  /** restart cycles before giving up (default 40) */
  maxCycles?: number;
  /** seed of the start block (default 0; stream "lanczos") */
  seed?: number;
}

export interface ExtremeResult {
  /** the kTop largest eigenvalues, descending */
  top: Float64Array;
  /** M x kTop, column j for top[j] */
  topVectors: Float64Array;
  /** the kBottom smallest eigenvalues, ascending (most negative first) */
  bottom: Float64Array;
  /** M x kBottom */
  bottomVectors: Float64Array;
  converged: boolean;
  cycles: number;
  /** block products A X computed (columns: products x block) */
  products: number;
  /** the largest residual ||A x - theta x|| / ||A||_est among the wanted pairs of the last cycle */
  maxResidual: number;
}

/** Block operator: returns A X for X = M x b (row-major). */
export type BlockOperator = (X: Float64Array, b: number) => Float64Array;

/** Column j of the M x c matrix A as a copy. */
const column = (A: Float64Array, M: number, c: number, j: number): Float64Array => {
  const out = new Float64Array(M);
  for (let i = 0; i < M; i++) out[i] = A[i * c + j];
  return out;
};

/** Writes the M x b block B into columns [off, off + b) of the M x m matrix Q. */
const putColumns = (Q: Float64Array, M: number, m: number, off: number, B: Float64Array, b: number): void => {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < b; j++) Q[i * m + off + j] = B[i * b + j];
  }
};

/** The first c columns of the M x m matrix Q, as M x c. */
const leadingColumns = (Q: Float64Array, M: number, m: number, c: number): Float64Array => {
  if (c === m) return Q;
  const out = new Float64Array(M * c);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < c; j++) out[i * c + j] = Q[i * m + j];
  }
  return out;
};

/**
 * Orthonormalises the M x b block W against the first `used` columns of Q (M x m) and within itself, in place.
 * Returns false for a column that could not be made independent even from random data (cannot happen while
 * used + b <= M).
 */
const orthonormalise = (backend: LinalgBackend, Q: Float64Array, M: number, m: number, used: number,
                        W: Float64Array, b: number, rng: Prng): void => {
  const Qu = used > 0 ? leadingColumns(Q, M, m, used) : null;
  const project = (): void => {
    if (!Qu) return;
    // W -= Qu (Qu^T W), twice ("twice is enough", Kahan/Parlett)
    for (let pass = 0; pass < 2; pass++) {
      const H = backend.gemm(Qu, W, used, M, b, true, false);
      const P = backend.gemm(Qu, H, M, used, b);
      for (let i = 0; i < W.length; i++) W[i] -= P[i];
    }
  };
  const before = new Float64Array(b);
  for (let j = 0; j < b; j++) {
    let s = 0;
    for (let i = 0; i < M; i++) s += W[i * b + j] * W[i * b + j];
    before[j] = Math.sqrt(s);
  }
  project();
  // modified Gram-Schmidt inside the block, with one re-orthogonalisation against Qu for a column that lost
  // most of its norm; a (numerically) dependent column is replaced by a random one
  for (let j = 0; j < b; j++) {
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) {
          let d = 0;
          for (let i = 0; i < M; i++) d += W[i * b + p] * W[i * b + j];
          for (let i = 0; i < M; i++) W[i * b + j] -= d * W[i * b + p];
        }
      }
      let s = 0;
      for (let i = 0; i < M; i++) s += W[i * b + j] * W[i * b + j];
      const norm = Math.sqrt(s);
      const ref = attempt === 0 ? before[j] : 1;
      if (norm > 1e-10 * ref && norm > 0) {
        for (let i = 0; i < M; i++) W[i * b + j] /= norm;
        break;
      }
      if (attempt >= 5) throw new Error(`extremeEigenpairs: cannot extend the basis (M = ${M}, ${used + j} vectors)`);
      for (let i = 0; i < M; i++) W[i * b + j] = rng.normal();
      if (Qu) {
        const col = column(W, M, b, j);
        for (let pass = 0; pass < 2; pass++) {
          const h = backend.gemm(Qu, col, used, M, 1, true, false);
          const p = backend.gemm(Qu, h, M, used, 1);
          for (let i = 0; i < M; i++) col[i] -= p[i];
        }
        for (let i = 0; i < M; i++) W[i * b + j] = col[i];
      }
    }
  }
};

/**
 * The kTop largest and kBottom smallest eigenpairs of the symmetric M x M operator `apply` (see the header).
 * `backend` supplies gemm and the small dense eigensolver.
 */
export const extremeEigenpairs = (backend: LinalgBackend, apply: BlockOperator, M: number,
                                  o: ExtremeOptions): ExtremeResult => {
  const want = o.kTop + o.kBottom;
  if (!(Number.isInteger(o.kTop) && Number.isInteger(o.kBottom) && o.kTop >= 0 && o.kBottom >= 0 && want >= 1)) {
    throw new RangeError(`extremeEigenpairs: kTop ${o.kTop}, kBottom ${o.kBottom}`);
  }
  if (want > M) throw new RangeError(`extremeEigenpairs: ${want} eigenpairs of a ${M} x ${M} operator`);
  const tol = o.tol ?? 1e-10;
  const b = Math.min(M, o.block ?? Math.max(want, 8));
  // a basis of at least want + 2 blocks, so that a restart keeps room to grow
  const m = Math.min(M, Math.max(o.basis ?? 8 * b, want + 2 * b));
  const maxCycles = o.maxCycles ?? 40;
  const rng = new Prng(o.seed ?? 0, "lanczos");
  const Q = new Float64Array(M * m);
  const AQ = new Float64Array(M * m);
  let products = 0;

  // start block: seeded normals
  let start: Float64Array = new Float64Array(M * b);
  for (let i = 0; i < start.length; i++) start[i] = rng.normal();
  let startCols = b;
  let result: ExtremeResult | undefined;
  for (let cycle = 1; cycle <= maxCycles; cycle++) {
    // build the basis: the restart block first, then Krylov blocks from the newest block
    let used = 0;
    const first = start;
    orthonormalise(backend, Q, M, m, 0, first, startCols, rng);
    putColumns(Q, M, m, 0, first, startCols);
    const AF = apply(first, startCols);
    products += startCols;
    putColumns(AQ, M, m, 0, AF, startCols);
    used = startCols;
    // the next block grows from A times the newest block (the last b columns)
    let last = AF;
    let lastCols = startCols;
    while (used < m) {
      const nb = Math.min(b, m - used);
      // W = the last nb columns of A (newest block)
      const W = new Float64Array(M * nb);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < nb; j++) W[i * nb + j] = last[i * lastCols + lastCols - nb + j];
      }
      orthonormalise(backend, Q, M, m, used, W, nb, rng);
      putColumns(Q, M, m, used, W, nb);
      const AW = apply(W, nb);
      products += nb;
      putColumns(AQ, M, m, used, AW, nb);
      used += nb;
      last = AW;
      lastCols = nb;
    }
    // Rayleigh-Ritz: H = Q^T (A Q), symmetrised
    const H = backend.gemm(Q, AQ, m, M, m, true, false);
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const s = 0.5 * (H[i * m + j] + H[j * m + i]);
        H[i * m + j] = s;
        H[j * m + i] = s;
      }
    }
    const eig = backend.eigh(H, m);
    // ascending values; wanted: the kBottom first, the kTop last; keep extras inward for the restart
    const idxTop: number[] = [];
    const idxBottom: number[] = [];
    for (let j = 0; j < o.kTop; j++) idxTop.push(m - 1 - j);
    for (let j = 0; j < o.kBottom; j++) idxBottom.push(j);
    const wanted = idxTop.concat(idxBottom);
    const Y = new Float64Array(m * wanted.length);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < wanted.length; c++) Y[i * wanted.length + c] = eig.vectors[i * m + wanted[c]];
    }
    const X = backend.gemm(Q, Y, M, m, wanted.length);
    const AX = backend.gemm(AQ, Y, M, m, wanted.length);
    let normA = 0;
    for (let j = 0; j < m; j++) normA = Math.max(normA, Math.abs(eig.values[j]));
    let maxRes = 0;
    for (let c = 0; c < wanted.length; c++) {
      const theta = eig.values[wanted[c]];
      let r = 0;
      for (let i = 0; i < M; i++) {
        const d = AX[i * wanted.length + c] - theta * X[i * wanted.length + c];
        r += d * d;
      }
      maxRes = Math.max(maxRes, Math.sqrt(r) / (normA > 0 ? normA : 1));
    }
    const pick = (cols: number[], off: number): Float64Array => {
      const out = new Float64Array(M * cols.length);
      for (let i = 0; i < M; i++) {
        for (let c = 0; c < cols.length; c++) out[i * cols.length + c] = X[i * wanted.length + off + c];
      }
      return out;
    };
    result = {
      top: Float64Array.from(idxTop.map((j) => eig.values[j])),
      topVectors: pick(idxTop, 0),
      bottom: Float64Array.from(idxBottom.map((j) => eig.values[j])),
      bottomVectors: pick(idxBottom, o.kTop),
      converged: maxRes <= tol || m === M,
      cycles: cycle,
      products: products,
      maxResidual: maxRes,
    };
    if (result.converged) return result;
    // restart block: the wanted Ritz vectors and the next ones inward from both ends, b columns in all
    const extra: number[] = [];
    for (let step = 0; extra.length + wanted.length < b; step++) {
      const lo = o.kBottom + step;
      const hi = m - 1 - o.kTop - step;
      if (lo > hi) break;
      if (o.kBottom > 0 || o.kTop === 0) extra.push(lo);
      if (extra.length + wanted.length < b && hi !== lo && (o.kTop > 0 || o.kBottom === 0)) extra.push(hi);
      if (o.kBottom === 0 && o.kTop === 0) break;
    }
    const keep = wanted.concat(extra).slice(0, b);
    const Yr = new Float64Array(m * keep.length);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < keep.length; c++) Yr[i * keep.length + c] = eig.vectors[i * m + keep[c]];
    }
    start = backend.gemm(Q, Yr, M, m, keep.length);
    startCols = keep.length;
  }
  return result as ExtremeResult;
};
