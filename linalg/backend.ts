// The one linear-algebra interface the rest of spec-beam uses. Two implementations: `native` (N-API addon
// over OpenBLAS + LAPACKE, linalg/native/) and `portable` (plain TypeScript, also the test oracle).
// Conventions, shared by both backends so that results agree to rounding:
// - every matrix is a dense ROW-MAJOR array; an r x c matrix has element (i, j) at [i * c + j];
// - inputs may be Float32Array or Float64Array where noted; accumulators and eigenproblems are float64;
// - symmetric results fill BOTH triangles unless the method says "upper".

export type Vec = Float32Array | Float64Array;

export interface EighResult {
  /** eigenvalues in ascending order */
  values: Float64Array;
  /** n x k row-major; column j is the unit eigenvector for values[j] */
  vectors: Float64Array;
}

export interface EigResult {
  /** real and imaginary parts of the eigenvalues, in the order LAPACK returns them (unsorted) */
  re: Float64Array;
  im: Float64Array;
  /** n x n row-major right eigenvectors (real parts; for a complex pair columns j, j+1 hold re, im) */
  vectors: Float64Array;
}

/** Where rffFeatures writes inside a wider output block (see rffFeatures). */
export interface RffLayout {
  /** row stride of out, >= offset + 2m (default 2m) */
  ld?: number;
  /** first column of each row written (default 0) */
  offset?: number;
  /** float64 column sums of the block, length >= offset + 2m; every value written is added in */
  colSum?: Float64Array;
}

/**
 * Centring of the single-precision projection: rows enter as x - center and the argument gets phase = center^T W
 * (computed in float64 from the float64 W) back, so cos/sin see the same argument as without centring while the
 * float32 rounding is relative to ||x - center|| instead of ||x||.
 */
export interface RffCentring {
  /** d values */
  center: Float64Array;
  /** m values */
  phase: Float64Array;
}

export interface LinalgBackend {
  readonly name: "native" | "portable";

  /**
   * acc (d x d, float64) += A^T A for A = rows x d (row-major, f32 or f64).
   * Only the UPPER triangle of acc (j >= i) is updated; the lower triangle is left untouched.
   * f32 input is multiplied in f32 per call and added into the f64 accumulator.
   */
  syrkAccumulate(acc: Float64Array, a: Vec, rows: number, d: number): void;

  /** C = op(A) op(B) (float64), op = transpose when the flag is set. A is m x k after op, B is k x n after op. */
  gemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number,
       transA?: boolean, transB?: boolean): Float64Array;

  /** Upper Cholesky factor U (n x n, lower triangle zero) with A = U^T U. Throws if A is not positive definite. */
  cholesky(a: Float64Array, n: number): Float64Array;

  /** Full symmetric eigendecomposition of the n x n symmetric A (reads both triangles' upper part only). */
  eigh(a: Float64Array, n: number): EighResult;

  /**
   * Eigenpairs with ascending indices il..iu (0-based, inclusive) of the symmetric A: e.g. the k smallest are
   * (0, k-1), the k largest (n-k, n-1). values ascending; vectors n x (iu-il+1).
   */
  eighRange(a: Float64Array, n: number, il: number, iu: number): EighResult;

  /**
   * The upper Cholesky factor in place: a (n x n, upper triangle read) becomes U with A = U^T U, lower triangle
   * zeroed. Throws like cholesky (a is then garbage). cholesky without its n x n copy, for large n.
   */
  choleskyInPlace(a: Float64Array, n: number): void;

  /**
   * In place, for the SPEC solve at large n (one n x n array instead of three): a holds U (upper triangular, zero
   * lower triangle, as choleskyInPlace leaves it). On return the upper triangle with the diagonal holds
   * Theta = U D U^T, D = diag(I_split, -I_(n-split)), the strict lower triangle holds U^T (strict part), and
   * diag(U) is returned. eighEnds on a then uses only the upper triangle, and lowerTimes multiplies by U^T.
   */
  signedOuterInPlace(a: Float64Array, n: number, split: number): Float64Array;

  /**
   * w (n x k, row-major) := L w in place, L = strict lower triangle of a plus diag(diag) (U^T after
   * signedOuterInPlace). The diagonal of a is overwritten with diag.
   */
  lowerTimes(a: Float64Array, n: number, diag: Float64Array, w: Float64Array, k: number): void;

  /**
   * All eigenvalues of the symmetric A (upper triangle read), ascending, and the eigenvectors of the kLow smallest
   * and the kHigh largest: vectors is n x (kLow + kHigh), columns [kLow smallest ascending..., kHigh largest
   * ascending...]. One reduction to tridiagonal form and vectors only for the selected eigenvalues, so much
   * cheaper than eigh for a few vectors. The UPPER TRIANGLE (with the diagonal) OF A IS OVERWRITTEN (workspace);
   * the strict lower triangle is neither read nor written.
   */
  eighEnds(a: Float64Array, n: number, kLow: number, kHigh: number): EighResult;

  /** General (non-symmetric) eigendecomposition of the n x n A. */
  eig(a: Float64Array, n: number): EigResult;

  /**
   * Random Fourier features: out (rows x 2m, row-major) = m^-1/2 [cos(X W), sin(X W)] with X rows x d and
   * W = omega (d x m). Projections X W are formed in the precision of omega whatever the input precision: float64,
   * or float32 (the single-precision route: ~2x faster, arguments carry ~1e-7 relative error, optionally centred,
   * see RffCentring); cos/sin in float64.
   * out is written in the precision of the array passed. With `layout`, row r goes to
   * out[r * ld + offset, r * ld + offset + 2m) of a wider row-major block (the rest of out is left untouched),
   * and each value written is also added into layout.colSum[offset + j].
   */
  rffFeatures(x: Vec, rows: number, d: number, omega: Vec, m: number, out: Vec, layout?: RffLayout,
              centring?: RffCentring): void;
}
