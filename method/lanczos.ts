// The few extreme eigenpairs of a large symmetric operator, or of a symmetric-definite pencil, applied only as
// block products (docs/method.md section 4, "Solving for the reported modes only"). SPEC reports k eigenpairs of
// each sign of an M x M matrix; a full eigensolver reduces the whole matrix to tridiagonal form (~4/3 M^3, half of
// it memory-bound BLAS-2), while a block Krylov method needs a few dozen products with M x b blocks (BLAS-3).
//
// Two forms. Standard: A symmetric, eigenpairs A x = theta x. Pencil: A = D B with B symmetric positive definite
// and B A symmetric (SPEC's Gamma = D_eta (C + shift), B = C + shift): A is self-adjoint in the B inner product
// <x, y>_B = x^T B y, so Lanczos in that inner product finds its real eigenpairs with B-orthonormal vectors, and
// ONE product with B per block gives both B X and A X. SPEC needs no Cholesky factor of C this way (M^3 / 3 flops
// and an M x M copy saved) and half the products of the symmetrised form U D U^T (two triangular products per block).
//
// Method: restarted block Lanczos with full reorthogonalisation. A cycle builds a B-orthonormal basis Q of
// span{X0, A X0, A^2 X0, ...} block by block: each new block is projected against all of Q twice (classical
// Gram-Schmidt through the stored B Q), THEN multiplied (so that its images carry no cancellation error), then
// made B-orthonormal within itself by Cholesky QR twice (W^T B W from the images; the images follow by the same
// triangular factor). A block whose columns are (numerically) dependent, i.e. an invariant subspace was reached,
// gets seeded random columns in their place and is multiplied again. The projected m x m problem (B Q)^T (A Q) is
// solved exactly (Rayleigh-Ritz); a wanted Ritz pair (theta, x) is accepted when its true residual
// ||A x - theta x||_B <= tol * ||A||_est (||A||_est = the largest |Ritz value|, a lower bound, so the test is
// slightly strict; the pencil form computes B r with one product of the wanted columns per cycle). Otherwise the
// basis is thick-restarted: it keeps the wanted Ritz vectors and as many again next inward (with their images,
// recombined: no new products) and the Krylov process continues from the pending residual block, which is
// B-orthogonal to all of them (restarting the Krylov space from the Ritz vectors instead stalls: A X - X Theta is
// then formed by cancellation). A caller falls back to a full eigensolver when `converged` is false.
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
  /** M x kTop, column j for top[j] (B-orthonormal columns for a pencil) */
  topVectors: Float64Array;
  /** the kBottom smallest eigenvalues, ascending (most negative first) */
  bottom: Float64Array;
  /** M x kBottom */
  bottomVectors: Float64Array;
  converged: boolean;
  cycles: number;
  /** columns multiplied: block products A X (or B X for a pencil) times their width */
  products: number;
  /** the largest residual ||A x - theta x||_B / ||A||_est among the wanted pairs of the last cycle */
  maxResidual: number;
}

/** Standard form: returns A X for X = M x b (row-major). */
export type BlockOperator = (X: Float64Array, b: number) => Float64Array;

/** Pencil form: A X and B X of X (M x b) from one product with B (see the header). */
export interface Pencil {
  images: (X: Float64Array, b: number) => { AX: Float64Array; BX: Float64Array };
}

interface Images {
  AX: Float64Array;
  /** the same array as X for the standard form */
  BX: Float64Array;
}

/** Columns [off, off + c) of the M x m matrix Q, as M x c (Q itself when that is all of it). */
const columns = (Q: Float64Array, M: number, m: number, off: number, c: number): Float64Array => {
  if (off === 0 && c === m) return Q;
  const out = new Float64Array(M * c);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < c; j++) out[i * c + j] = Q[i * m + off + j];
  }
  return out;
};

const columnNorms = (W: Float64Array, M: number, b: number): Float64Array => {
  const s = new Float64Array(b);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < b; j++) s[j] += W[i * b + j] * W[i * b + j];
  }
  return s.map(Math.sqrt);
};

/** The inverse of the b x b upper triangular R (row-major), by back substitution. */
const upperInverse = (R: Float64Array, b: number): Float64Array => {
  const inv = new Float64Array(b * b);
  for (let j = 0; j < b; j++) {
    inv[j * b + j] = 1 / R[j * b + j];
    for (let i = j - 1; i >= 0; i--) {
      let v = 0;
      for (let t = i + 1; t <= j; t++) v += R[i * b + t] * inv[t * b + j];
      inv[i * b + j] = -v / R[i * b + i];
    }
  }
  return inv;
};

/**
 * Cholesky QR in the B inner product, twice: W := W R^-1 with W^T B W = R^T R, the images by the same R. Returns
 * the first failing column, or -1: a column whose Euclidean norm after the projection is below 1e-6 of what it
 * was (`before`: its rounding error is then no longer small against it), or whose pivot is below 1e-12 of its
 * squared B-norm (dependent on the columns before it).
 */
const cholQr2 = (backend: LinalgBackend, W: Float64Array, im: Images, M: number, b: number,
                 before: Float64Array, pencil: boolean): number => {
  const after = columnNorms(W, M, b);
  for (let j = 0; j < b; j++) if (!(after[j] > 1e-6 * before[j])) return j;
  for (let pass = 0; pass < 2; pass++) {
    const G = backend.gemm(W, im.BX, b, M, b, true, false);
    const R = new Float64Array(b * b);
    for (let j = 0; j < b; j++) {
      for (let i = 0; i <= j; i++) {
        let v = 0.5 * (G[i * b + j] + G[j * b + i]);
        for (let t = 0; t < i; t++) v -= R[t * b + i] * R[t * b + j];
        if (i === j) {
          if (!(v > 1e-12 * G[j * b + j])) return j;
          R[j * b + j] = Math.sqrt(v);
        } else {
          R[i * b + j] = v / R[i * b + i];
        }
      }
    }
    const Ri = upperInverse(R, b);
    W.set(backend.gemm(W, Ri, M, b, b));
    im.AX.set(backend.gemm(im.AX, Ri, M, b, b));
    if (pencil) im.BX.set(backend.gemm(im.BX, Ri, M, b, b));
  }
  return -1;
};

/** Writes the M x b block B (row-major) as rows [off, off + b) of the m x M matrix T: T's rows are vectors. */
const putRows = (T: Float64Array, M: number, off: number, B: Float64Array, b: number): void => {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < b; j++) T[(off + j) * M + i] = B[i * b + j];
  }
};

/**
 * The Krylov basis: Q, A Q and (pencil) B Q, held TRANSPOSED (m x M: one basis vector per row), so that the first
 * `used` vectors are a contiguous prefix the products read in place (op(A) of GEMM does the transposition).
 */
class Basis {
  readonly Qt: Float64Array;
  readonly AQt: Float64Array;
  readonly BQt: Float64Array;
  used = 0;
  products = 0;

  constructor(private readonly backend: LinalgBackend, private readonly op: (X: Float64Array, b: number) => Images,
              readonly M: number, readonly m: number, readonly pencil: boolean, private readonly rng: Prng) {
    this.Qt = new Float64Array(m * M);
    this.AQt = new Float64Array(m * M);
    this.BQt = pencil ? new Float64Array(m * M) : this.Qt;
  }

  images(X: Float64Array, b: number): Images {
    this.products += b;
    return this.op(X, b);
  }

  /** The first c vectors of T (Qt, AQt or BQt) as a c x M view. */
  prefix(T: Float64Array, c: number): Float64Array {
    return T.subarray(0, c * this.M);
  }

  /** V (M x cols) -= Q (BQ^T V) over the used vectors, twice ("twice is enough", Kahan/Parlett) */
  project(V: Float64Array, cols: number): void {
    const u = this.used;
    if (u === 0) return;
    const M = this.M;
    const Qu = this.prefix(this.Qt, u);
    const BQu = this.prefix(this.BQt, u);
    for (let pass = 0; pass < 2; pass++) {
      const H = this.backend.gemm(BQu, V, u, M, cols);
      const P = this.backend.gemm(Qu, H, M, u, cols, true, false);
      for (let i = 0; i < V.length; i++) V[i] -= P[i];
    }
  }

  /**
   * Makes the M x b block W B-orthogonal to the basis and B-orthonormal, multiplies it, appends it with its
   * images and returns A W. Dependent columns are replaced by seeded random ones (then the block is multiplied
   * again). Throws when that fails 5 times (cannot happen while used + b <= M and B is definite).
   */
  admit(W: Float64Array, b: number): Float64Array {
    const M = this.M;
    for (let attempt = 0; ; attempt++) {
      const before = columnNorms(W, M, b);
      this.project(W, b);
      const im = this.images(W, b);
      const bad = cholQr2(this.backend, W, im, M, b, before, this.pencil);
      if (bad < 0) {
        putRows(this.Qt, M, this.used, W, b);
        putRows(this.AQt, M, this.used, im.AX, b);
        if (this.pencil) putRows(this.BQt, M, this.used, im.BX, b);
        this.used += b;
        return im.AX;
      }
      if (attempt >= 5) throw new Error(`extremeEigenpairs: cannot extend the basis (M = ${M}, ${this.used} vectors)`);
      // the columns from the failing one on become random (those before it passed the checks)
      for (let i = 0; i < M; i++) for (let j = bad; j < b; j++) W[i * b + j] = this.rng.normal();
    }
  }

  /** The thick restart: the basis becomes X with its images (nk columns). */
  restart(X: Float64Array, AX: Float64Array, BX: Float64Array, nk: number): void {
    putRows(this.Qt, this.M, 0, X, nk);
    putRows(this.AQt, this.M, 0, AX, nk);
    if (this.pencil) putRows(this.BQt, this.M, 0, BX, nk);
    this.used = nk;
  }
}

/** Indices (ascending eigenvalue order of an mu x mu problem) of the wanted Ritz pairs and those kept on restart. */
const ritzSelection = (mu: number, kTop: number, kBottom: number, keepCount: number): number[] => {
  const keep: number[] = [];
  for (let j = 0; j < kTop; j++) keep.push(mu - 1 - j);
  for (let j = 0; j < kBottom; j++) keep.push(j);
  for (let step = 0; keep.length < keepCount; step++) {
    const lo = kBottom + step;
    const hi = mu - 1 - kTop - step;
    if (lo > hi) break;
    if (kBottom > 0 || kTop === 0) keep.push(lo);
    if (keep.length < keepCount && hi !== lo && kTop > 0) keep.push(hi);
  }
  return keep;
};

/**
 * The kTop largest and kBottom smallest eigenpairs of the symmetric M x M operator `apply`, or of the pencil
 * (see the header). `backend` supplies gemm and the small dense eigensolver.
 */
export const extremeEigenpairs = (backend: LinalgBackend, apply: BlockOperator | Pencil, M: number,
                                  o: ExtremeOptions): ExtremeResult => {
  const want = o.kTop + o.kBottom;
  if (!(Number.isInteger(o.kTop) && Number.isInteger(o.kBottom) && o.kTop >= 0 && o.kBottom >= 0 && want >= 1)) {
    throw new RangeError(`extremeEigenpairs: kTop ${o.kTop}, kBottom ${o.kBottom}`);
  }
  if (want > M) throw new RangeError(`extremeEigenpairs: ${want} eigenpairs of a ${M} x ${M} operator`);
  const pencil = typeof apply !== "function";
  const op = typeof apply === "function"
    ? (X: Float64Array, b: number): Images => ({ AX: apply(X, b), BX: X })
    : apply.images;
  const tol = o.tol ?? 1e-10;
  const b = Math.min(M, o.block ?? Math.max(want, 8));
  // a basis of at least want + 2 blocks, so that a restart keeps room to grow
  const m = Math.min(M, Math.max(o.basis ?? 8 * b, want + 2 * b));
  const maxCycles = o.maxCycles ?? 40;
  const rng = new Prng(o.seed ?? 0, "lanczos");
  const basis = new Basis(backend, op, M, m, pencil, rng);
  const keepCount = Math.min(m - b, want + Math.max(want, b));

  // P is the pending block: B-orthogonal to the basis (after a restart too), not yet multiplied
  let P: Float64Array = new Float64Array(M * b);
  for (let i = 0; i < P.length; i++) P[i] = rng.normal();
  let pCols = b;
  let result: ExtremeResult | undefined;
  for (let cycle = 1; cycle <= maxCycles; cycle++) {
    while (basis.used + pCols <= m) {
      const AP = basis.admit(P, pCols);
      const nb = Math.min(b, M - basis.used);
      if (nb <= 0) break;
      P = columns(AP, M, pCols, pCols - nb, nb).slice();
      pCols = nb;
      basis.project(P, pCols);
    }
    const mu = basis.used;
    const Qm = basis.prefix(basis.Qt, mu);
    const AQm = basis.prefix(basis.AQt, mu);
    const BQm = basis.prefix(basis.BQt, mu);
    // Rayleigh-Ritz: H = (B Q)^T (A Q), symmetric (B A is), symmetrised against rounding
    const H = backend.gemm(BQm, AQm, mu, M, mu, false, true);
    for (let i = 0; i < mu; i++) {
      for (let j = i + 1; j < mu; j++) {
        const v = 0.5 * (H[i * mu + j] + H[j * mu + i]);
        H[i * mu + j] = v;
        H[j * mu + i] = v;
      }
    }
    const eig = backend.eigh(H, mu);
    const keep = ritzSelection(mu, o.kTop, o.kBottom, keepCount);
    const nk = keep.length;
    const Y = new Float64Array(mu * nk);
    for (let i = 0; i < mu; i++) {
      for (let c = 0; c < nk; c++) Y[i * nk + c] = eig.vectors[i * mu + keep[c]];
    }
    const X = backend.gemm(Qm, Y, M, mu, nk, true, false);
    const AX = backend.gemm(AQm, Y, M, mu, nk, true, false);
    const BX = pencil ? backend.gemm(BQm, Y, M, mu, nk, true, false) : X;
    let normA = 0;
    for (let j = 0; j < mu; j++) normA = Math.max(normA, Math.abs(eig.values[j]));
    // residuals R = A X - X theta of the wanted columns; their B-norms (pencil: B R = B (A X) - (B X) theta)
    const Rw = new Float64Array(M * want);
    for (let i = 0; i < M; i++) {
      for (let c = 0; c < want; c++) Rw[i * want + c] = AX[i * nk + c] - eig.values[keep[c]] * X[i * nk + c];
    }
    let BR = Rw;
    if (pencil) {
      const BAX = basis.images(columns(AX, M, nk, 0, want), want).BX;
      BR = new Float64Array(M * want);
      for (let i = 0; i < M; i++) {
        for (let c = 0; c < want; c++) BR[i * want + c] = BAX[i * want + c] - eig.values[keep[c]] * BX[i * nk + c];
      }
    }
    let maxRes = 0;
    for (let c = 0; c < want; c++) {
      let r = 0;
      for (let i = 0; i < M; i++) r += Rw[i * want + c] * BR[i * want + c];
      maxRes = Math.max(maxRes, Math.sqrt(Math.max(r, 0)) / (normA > 0 ? normA : 1));
    }
    const exhausted = mu >= M;
    result = {
      top: Float64Array.from(keep.slice(0, o.kTop).map((j) => eig.values[j])),
      topVectors: columns(X, M, nk, 0, o.kTop).slice(),
      bottom: Float64Array.from(keep.slice(o.kTop, want).map((j) => eig.values[j])),
      bottomVectors: columns(X, M, nk, o.kTop, o.kBottom).slice(),
      converged: maxRes <= tol || exhausted,
      cycles: cycle,
      products: basis.products,
      maxResidual: maxRes,
    };
    if (result.converged) return result;
    // thick restart: the kept Ritz vectors with their recombined images; P, B-orthogonal to the old basis and so
    // to these, carries the Krylov process on
    basis.restart(X, AX, BX, nk);
  }
  return result as ExtremeResult;
};
