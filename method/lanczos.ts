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
// a lower bound of ||A||, so the test is slightly strict). Otherwise the basis is thick-restarted: it keeps the
// wanted Ritz vectors and as many again next inward (with A Q for them, recombined: no new products) and the
// Krylov process continues from the pending residual block, which is orthogonal to all of them (restarting the
// Krylov space from the Ritz vectors instead stalls: A X - X Theta is then formed by cancellation). A caller falls
// back to a full eigensolver when `converged` is false.
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
 * W (M x b) := W R^-1 with W^T W = R^T R (Cholesky QR), twice: BLAS-3 and enough for a well-conditioned block
 * (the second pass removes the first's loss of orthogonality, ~cond(W)^2 u). Returns false, leaving W in some
 * intermediate state that still spans the same space, when a column is (nearly) dependent: its norm after the
 * projection below 1e-6 of what it was, or a pivot below 1e-6 of its column's norm; the caller then uses
 * Gram-Schmidt with random replacement.
 */
const cholQr2 = (backend: LinalgBackend, W: Float64Array, M: number, b: number, before: Float64Array): boolean => {
  for (let pass = 0; pass < 2; pass++) {
    const G = backend.gemm(W, W, b, M, b, true, false);
    const R = new Float64Array(b * b);
    for (let j = 0; j < b; j++) {
      if (pass === 0 && !(Math.sqrt(G[j * b + j]) > 1e-6 * before[j])) return false;
      for (let i = 0; i <= j; i++) {
        let v = G[i * b + j];
        for (let t = 0; t < i; t++) v -= R[t * b + i] * R[t * b + j];
        if (i === j) {
          if (!(v > 1e-12 * G[j * b + j])) return false;
          R[j * b + j] = Math.sqrt(v);
        } else {
          R[i * b + j] = v / R[i * b + i];
        }
      }
    }
    // each row w of W: solve x R = w (forward substitution over columns)
    for (let r = 0; r < M; r++) {
      const o = r * b;
      for (let j = 0; j < b; j++) {
        let v = W[o + j];
        for (let t = 0; t < j; t++) v -= W[o + t] * R[t * b + j];
        W[o + j] = v / R[j * b + j];
      }
    }
  }
  return true;
};

/**
 * Orthonormalises the M x b block W against the first `used` columns of Q (M x m) and within itself, in place.
 * Throws when a column cannot be made independent even from random data (cannot happen while used + b <= M).
 */
const orthonormalise = (backend: LinalgBackend, Q: Float64Array, M: number, m: number, used: number,
                        W: Float64Array, b: number, rng: Prng): void => {
  const Qu = used > 0 ? leadingColumns(Q, M, m, used) : null;
  /** V (M x cols) -= Qu (Qu^T V), twice ("twice is enough", Kahan/Parlett) */
  const project = (V: Float64Array, cols: number): void => {
    if (!Qu) return;
    for (let pass = 0; pass < 2; pass++) {
      const H = backend.gemm(Qu, V, used, M, cols, true, false);
      const P = backend.gemm(Qu, H, M, used, cols);
      for (let i = 0; i < V.length; i++) V[i] -= P[i];
    }
  };
  const before = new Float64Array(b);
  for (let j = 0; j < b; j++) {
    let s = 0;
    for (let i = 0; i < M; i++) s += W[i * b + j] * W[i * b + j];
    before[j] = Math.sqrt(s);
  }
  project(W, b);
  if (cholQr2(backend, W, M, b, before)) return;
  // modified Gram-Schmidt inside the block (twice per column); a (numerically) dependent column is replaced by a
  // random one projected against Qu
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
        project(col, 1);
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
  // start block: seeded normals. P is the pending block: orthonormal to Q's columns, A P not yet computed.
  let P: Float64Array = new Float64Array(M * b);
  for (let i = 0; i < P.length; i++) P[i] = rng.normal();
  let pCols = b;
  orthonormalise(backend, Q, M, m, 0, P, pCols, rng);
  let used = 0;
  const keepCount = Math.min(m - b, want + Math.max(want, b));
  let result: ExtremeResult | undefined;
  for (let cycle = 1; cycle <= maxCycles; cycle++) {
    // expand: Q gets P, AQ gets A P, and the next P is A P orthogonalised against Q (the Lanczos residual block)
    while (used < m) {
      const AP = apply(P, pCols);
      products += pCols;
      putColumns(Q, M, m, used, P, pCols);
      putColumns(AQ, M, m, used, AP, pCols);
      used += pCols;
      const nb = Math.min(b, M - used);
      if (nb <= 0) break;
      const W = new Float64Array(M * nb);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < nb; j++) W[i * nb + j] = AP[i * pCols + pCols - nb + j];
      }
      orthonormalise(backend, Q, M, m, used, W, nb, rng);
      P = W;
      pCols = nb;
      if (used + pCols > m) break;
    }
    // Rayleigh-Ritz: H = Q^T (A Q), symmetrised
    const mu = used;
    const Qm = leadingColumns(Q, M, m, mu);
    const AQm = leadingColumns(AQ, M, m, mu);
    const H = backend.gemm(Qm, AQm, mu, M, mu, true, false);
    for (let i = 0; i < mu; i++) {
      for (let j = i + 1; j < mu; j++) {
        const v = 0.5 * (H[i * mu + j] + H[j * mu + i]);
        H[i * mu + j] = v;
        H[j * mu + i] = v;
      }
    }
    const eig = backend.eigh(H, mu);
    // ascending values; wanted: the kBottom first, the kTop last
    const idxTop: number[] = [];
    const idxBottom: number[] = [];
    for (let j = 0; j < o.kTop; j++) idxTop.push(mu - 1 - j);
    for (let j = 0; j < o.kBottom; j++) idxBottom.push(j);
    const wanted = idxTop.concat(idxBottom);
    // kept for a restart: the wanted Ritz pairs and the next ones inward from the wanted ends
    const keep = wanted.slice();
    for (let step = 0; keep.length < keepCount; step++) {
      const lo = o.kBottom + step;
      const hi = mu - 1 - o.kTop - step;
      if (lo > hi) break;
      if (o.kBottom > 0 || o.kTop === 0) keep.push(lo);
      if (keep.length < keepCount && hi !== lo && o.kTop > 0) keep.push(hi);
    }
    const nk = keep.length;
    const Y = new Float64Array(mu * nk);
    for (let i = 0; i < mu; i++) {
      for (let c = 0; c < nk; c++) Y[i * nk + c] = eig.vectors[i * mu + keep[c]];
    }
    const X = backend.gemm(Qm, Y, M, mu, nk);
    const AX = backend.gemm(AQm, Y, M, mu, nk);
    let normA = 0;
    for (let j = 0; j < mu; j++) normA = Math.max(normA, Math.abs(eig.values[j]));
    let maxRes = 0;
    for (let c = 0; c < wanted.length; c++) {
      const theta = eig.values[keep[c]];
      let r = 0;
      for (let i = 0; i < M; i++) {
        const d = AX[i * nk + c] - theta * X[i * nk + c];
        r += d * d;
      }
      maxRes = Math.max(maxRes, Math.sqrt(r) / (normA > 0 ? normA : 1));
    }
    const pick = (off: number, cols: number): Float64Array => {
      const out = new Float64Array(M * cols);
      for (let i = 0; i < M; i++) {
        for (let c = 0; c < cols; c++) out[i * cols + c] = X[i * nk + off + c];
      }
      return out;
    };
    const exhausted = used >= M;
    result = {
      top: Float64Array.from(idxTop.map((j) => eig.values[j])),
      topVectors: pick(0, o.kTop),
      bottom: Float64Array.from(idxBottom.map((j) => eig.values[j])),
      bottomVectors: pick(o.kTop, o.kBottom),
      converged: maxRes <= tol || exhausted,
      cycles: cycle,
      products: products,
      maxResidual: maxRes,
    };
    if (result.converged) return result;
    // thick restart: Q = the kept Ritz vectors (and A Q = A Q y, no new products); P, orthogonal to the old Q and
    // so to these, carries the Krylov process on
    putColumns(Q, M, m, 0, X, nk);
    putColumns(AQ, M, m, 0, AX, nk);
    used = nk;
  }
  return result as ExtremeResult;
};
