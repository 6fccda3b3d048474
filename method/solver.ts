// The M x M eigenproblem of SPEC (docs/method.md sections 3-4), solved on one worker.
// Gamma = D_eta C with D_eta = diag(I_DX, -eta I_DY) has the nonzero eigenvalues of Lambda = (1/n)(K_X - eta K_Y);
// an eigenvector v of Gamma gives the per-sample scores u = Phi v, an eigenvector of Lambda.
//
// method "cholesky" (symmetric, recommended): S = diag(I, sqrt(eta) I), C_eta = S C S,
//   C_eta + eps I = U^T U (upper Cholesky), D = diag(I_DX, -I_DY), Theta = U D U^T (symmetric),
//   eigh(Theta) = (lambda, W), v = S D U^T W. Gamma = S (D C_eta) S^-1: the S factor is what makes the scores
//   right for eta != 1 (docs/method.md section 7, pitfall 1).
//   eps = 1e-10 * trace(C_eta) / M, because C is only positive SEMI-definite (rank <= n, often < M) and Cholesky
//   needs a margin above its rounding (~M * 1e-16 * max diag). With float32 SYRK inputs (compute.precision) each
//   block's products are summed in single precision and C's null space picks up eigenvalues down to about
//   -1e-6 * trace / M (measured: n = 600, M = 2000, blocks of 256 and 4096 rows: -8.6e-7 and -1.0e-6; n = 3000,
//   M = 4000: -3.7e-7), so there eps = 1e-5 * trace(C_eta) / M. The shift moves simple eigenvalues by O(eps), and
//   splits the zero eigenvalues of nilpotent directions of Gamma (features X and Y see identically) into
//   +-sqrt(2 lambda_C eps) ~ 1e-7: both far below the RFF error (~1/sqrt(m)); the 2k returned modes get refined
//   eigenvalues without either error (see normaliseModes). If Cholesky still fails, eps is multiplied by 100, at
//   most twice; the eps used is reported.
// method "direct": the general eigensolver on the non-symmetric Gamma; real parts, sorted. A cross-check.
//
// Normalisation: each returned v is scaled so that ||u||^2 = ||Phi v||^2 = n v^T C v = 1 (u a unit eigenvector of
// Lambda) and signed so that sum_i u_i = colSum . v >= 0 (the reference's convention). A mode whose u is
// numerically zero (v in the null space of C; |lambda| ~ eps, only reached when k exceeds rank(C)) keeps
// ||v|| = 1 and is listed in `nullModes`.
import type { LinalgBackend } from "../linalg/backend";
import { extremeEigenpairs } from "./lanczos";

export type SolveMethod = "cholesky" | "direct";
/**
 * cholesky only. full: one tridiagonal reduction of Theta (all eigenvalues). lanczos: the 2k wanted eigenpairs by
 * block Lanczos on Gamma_eps = D_eta (C + eps S^-2) in the (C + eps S^-2) inner product (method/lanczos.ts,
 * pencil form: one M x M x b product with C per block, no Cholesky factor); falls back to full when it does not
 * converge. auto: lanczos from M = LANCZOS_MIN_M (when 8k <= M), else full. Measured (n = 20,000 clustered rows,
 * k = 10, 2 threads, one run each): M = 1000 full 0.13 s, lanczos 0.33 s; M = 2000 0.60 vs 0.59 s; M = 4000
 * 4.46 vs 0.81 s; M = 12000 102 vs 5.2 s (320 product columns, 2 cycles); eigenvalues equal to 5e-14 relative.
 */
export type EigenSolver = "auto" | "full" | "lanczos";
const LANCZOS_MIN = 3000;
export const LANCZOS_MIN_M = LANCZOS_MIN;

/**
 * Up to this M the cholesky path reports the whole spectrum (all M eigenvalues; above it the 2k extremes only).
 * Either way ONE reduction of Theta to tridiagonal form gives all eigenvalues, and eigenvectors are formed only
 * for the 2k selected ones (LinalgBackend.eighEnds): a full eigh (all M vectors) or two eighRange calls (two
 * reductions) cost more time, and the full eigh ~7 M x M arrays (~8 GB at M = 12000). The solve holds ONE M x M
 * array besides C: the Cholesky factor U is formed in place, then Theta replaces it in its upper triangle while U^T
 * is kept in the lower one (LinalgBackend.signedOuterInPlace).
 */
const FULL_SPECTRUM_MAX = 12000;
export const FULL_SPECTRUM_MAX_M = FULL_SPECTRUM_MAX;

export interface SpecSolveInput {
  /** full symmetric C = (1/n) Phi^T Phi, M x M, M = DX + DY */
  C: Float64Array;
  n: number;
  /** column sums of Phi (length M) */
  colSum: Float64Array;
  DX: number;
  DY: number;
  eta: number;
  method: SolveMethod;
  /** modes per side */
  k: number;
  /** cholesky: largest M for which the full spectrum is computed (default FULL_SPECTRUM_MAX_M = 12000) */
  fullSpectrumMaxM?: number;
  /** cholesky: which eigensolver (default auto) */
  solver?: EigenSolver;
  /** precision of the SYRK inputs that formed C (default float64); float32 needs the larger eps (header comment) */
  inputPrecision?: "float64" | "float32";
  /** lanczos: overrides of method/lanczos.ts's cycle limit, residual tolerance and block size (tests, benchmarks) */
  lanczos?: { maxCycles?: number; tol?: number; block?: number };
}

export interface SpecModes {
  values: Float64Array;
  /** M x k row-major; column j is v_j */
  vectors: Float64Array;
  /** indices j whose scores are numerically zero (see the header comment) */
  nullModes: number[];
}

export interface SpecSolution {
  method: SolveMethod;
  M: number;
  n: number;
  eta: number;
  /** the k actually used: min(k, M) */
  k: number;
  /** cholesky regulariser actually added (0 for direct) */
  eps: number;
  /**
   * Eigenvalues, descending. spectrumComplete = true: all M eigenvalues of Gamma. Otherwise (cholesky,
   * M > fullSpectrumMaxM): only the k largest followed by the k smallest.
   */
  spectrum: Float64Array;
  spectrumComplete: boolean;
  /**
   * the k largest eigenvalues, descending, whatever their sign. Values here are the refined Rayleigh quotients
   * (see normaliseModes) and are more accurate than the same eigenvalues in `spectrum` (which may differ from them
   * by ~eps, or ~sqrt(eps) for a nilpotent Gamma); prefer them for SPEC-diff.
   */
  positive: SpecModes;
  /** the k smallest eigenvalues, most negative first, whatever their sign; refined like `positive` */
  negative: SpecModes;
  /** the eigensolver that produced the result ("direct" for method direct) and, for lanczos, its work */
  solver: { used: "full" | "lanczos" | "direct"; cycles?: number; products?: number; residual?: number;
    fellBack?: boolean };
}

const checkInput = (inp: SpecSolveInput): void => {
  const M = inp.DX + inp.DY;
  if (!(Number.isInteger(inp.DX) && Number.isInteger(inp.DY) && inp.DX >= 1 && inp.DY >= 1)) {
    throw new RangeError(`solveSpec: DX and DY must be positive integers, got ${inp.DX}, ${inp.DY}`);
  }
  if (inp.C.length !== M * M) throw new RangeError(`solveSpec: C has ${inp.C.length} values, expected ${M} x ${M}`);
  if (inp.colSum.length !== M) throw new RangeError(`solveSpec: colSum has length ${inp.colSum.length}, expected ${M}`);
  if (!(inp.eta > 0) || !Number.isFinite(inp.eta)) throw new RangeError(`solveSpec: eta must be > 0, got ${inp.eta}`);
  if (!(Number.isInteger(inp.n) && inp.n >= 1)) throw new RangeError(`solveSpec: n must be >= 1, got ${inp.n}`);
  if (!(Number.isInteger(inp.k) && inp.k >= 1)) throw new RangeError(`solveSpec: k must be >= 1, got ${inp.k}`);
  if (inp.method !== "cholesky" && inp.method !== "direct") {
    throw new RangeError(`solveSpec: unknown method "${String(inp.method)}"`);
  }
};

/** Picks columns `cols` of the M x c matrix A into an M x cols.length matrix. */
const pickColumns = (A: Float64Array, M: number, c: number, cols: number[]): Float64Array => {
  const out = new Float64Array(M * cols.length);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = A[i * c + cols[j]];
  }
  return out;
};

interface Normalised {
  nullModes: number[];
  /** two-sided Rayleigh quotients (C v)^T D_eta (C v) / (v^T C v), NaN for null modes */
  refined: Float64Array;
}

/**
 * Scales columns of V (M x K) so that n v^T C v = 1 and colSum . v >= 0, and refines each eigenvalue with the
 * left eigenvector w = C v of Gamma (Gamma^T C v = C D_eta C v = lambda C v):
 * lambda = (C v)^T D_eta (C v) / (v^T C v). This is the Rayleigh quotient of the symmetric C^1/2 D_eta C^1/2 at
 * C^1/2 v, so its error is second order in the eigenvector's: it removes the O(eps) shift of the Cholesky
 * regulariser, and the O(sqrt(eps)) one where Gamma is nilpotent (identical embeddings with shared omegas).
 */
const normaliseModes = (backend: LinalgBackend, inp: SpecSolveInput, V: Float64Array, K: number): Normalised => {
  const M = inp.DX + inp.DY;
  const CV = backend.gemm(inp.C, V, M, M, K);
  let trC = 0;
  for (let i = 0; i < M; i++) trC += inp.C[i * M + i];
  const nullModes: number[] = [];
  const refined = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    let q = 0;
    let vv = 0;
    let s = 0;
    let cdc = 0;
    for (let i = 0; i < M; i++) {
      const v = V[i * K + j];
      const cv = CV[i * K + j];
      q += v * cv;
      vv += v * v;
      s += inp.colSum[i] * v;
      cdc += (i >= inp.DX ? -inp.eta : 1) * cv * cv;
    }
    let scale: number;
    if (!(q > 1e-14 * trC * vv)) {
      nullModes.push(j);
      refined[j] = NaN;
      scale = vv > 0 ? 1 / Math.sqrt(vv) : 0;
    } else {
      refined[j] = cdc / q;
      scale = 1 / Math.sqrt(inp.n * q);
    }
    if (s < 0) scale = -scale;
    for (let i = 0; i < M; i++) V[i * K + j] *= scale;
  }
  return { nullModes: nullModes, refined: refined };
};

const reversed = (a: Float64Array): Float64Array => {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[a.length - 1 - i];
  return out;
};

/** The reported part of an incomplete spectrum: the k largest descending, then the k smallest ascending to the end. */
const extremesSpectrum = (top: Float64Array, bottom: Float64Array): Float64Array => {
  const spectrum = new Float64Array(top.length + bottom.length);
  spectrum.set(top, 0);
  spectrum.set(reversed(bottom), top.length);
  return spectrum;
};

/** Rows [DX, M) of the M x K matrix V times f (the Y block's factor of v = S D U^T w). */
const scaleYRows = (V: Float64Array, DX: number, M: number, K: number, f: number): void => {
  for (let i = DX * K; i < M * K; i++) V[i] *= f;
};

const finish = (backend: LinalgBackend, inp: SpecSolveInput, k: number, V: Float64Array, topValues: Float64Array,
                bottomValues: Float64Array, spectrum: Float64Array, spectrumComplete: boolean,
                eps: number, solver: SpecSolution["solver"]): SpecSolution => {
  const M = inp.DX + inp.DY;
  const K2 = 2 * k;
  const norm = normaliseModes(backend, inp, V, K2);
  const nulls = norm.nullModes;
  const pos = new Float64Array(k);
  const neg = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    pos[j] = Number.isNaN(norm.refined[j]) ? topValues[j] : norm.refined[j];
    neg[j] = Number.isNaN(norm.refined[k + j]) ? bottomValues[j] : norm.refined[k + j];
  }
  const topCols: number[] = [];
  const bottomCols: number[] = [];
  for (let j = 0; j < k; j++) {
    topCols.push(j);
    bottomCols.push(k + j);
  }
  return {
    method: inp.method,
    M: M,
    n: inp.n,
    eta: inp.eta,
    k: k,
    eps: eps,
    spectrum: spectrum,
    spectrumComplete: spectrumComplete,
    solver: solver,
    positive: {
      values: pos,
      vectors: pickColumns(V, M, K2, topCols),
      nullModes: nulls.filter((j) => j < k),
    },
    negative: {
      values: neg,
      vectors: pickColumns(V, M, K2, bottomCols),
      nullModes: nulls.filter((j) => j >= k).map((j) => j - k),
    },
  };
};

/** eps / (trace(C_eta) / M) by the precision of the SYRK inputs (the header comment) */
const REGULARISER = { float64: 1e-10, float32: 1e-5 } as const;

/** eps = REGULARISER * trace(C_eta) / M (the header comment); throws unless the trace is positive and finite. */
const regulariser = (inp: SpecSolveInput): number => {
  const M = inp.DX + inp.DY;
  let tr = 0;
  for (let i = 0; i < M; i++) tr += inp.C[i * M + i] * (i >= inp.DX ? inp.eta : 1);
  if (!(tr > 0) || !Number.isFinite(tr)) {
    throw new RangeError(`solveSpec: trace of C is ${tr}; C must be PSD and nonzero`);
  }
  return REGULARISER[inp.inputPrecision ?? "float64"] * tr / M;
};

/**
 * Upper Cholesky factor of C_eta + eps I (C_eta = S C S), with the eps retries of the header comment. Factored in
 * place in one M x M array (rebuilt from C before a retry): at M = 12000 every M x M copy is 1.2 GB.
 */
const factorScaled = (backend: LinalgBackend, inp: SpecSolveInput): { U: Float64Array; eps: number } => {
  const DX = inp.DX;
  const M = DX + inp.DY;
  const s = Math.sqrt(inp.eta);
  const Ceta = new Float64Array(M * M);
  let eps = regulariser(inp);
  const fill = (shift: number): void => {
    for (let i = 0; i < M; i++) {
      const si = i >= DX ? s : 1;
      const row = i * M;
      for (let j = 0; j < M; j++) Ceta[row + j] = inp.C[row + j] * si * (j >= DX ? s : 1);
      Ceta[row + i] += shift;
    }
  };
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    fill(eps);
    try {
      backend.choleskyInPlace(Ceta, M);
      return { U: Ceta, eps: eps };
    } catch (e) {
      lastError = e;
      eps *= 100;
    }
  }
  throw new Error(`solveSpec: Cholesky of C_eta + eps I failed up to eps = ${eps / 100} ` +
    `(is C symmetric PSD?): ${String(lastError)}`);
};

const solveCholesky = (backend: LinalgBackend, inp: SpecSolveInput, k: number): SpecSolution => {
  const DX = inp.DX;
  const M = DX + inp.DY;
  const s = Math.sqrt(inp.eta);
  let fellBack = false;
  if (useLanczos(inp, k)) {
    const sol = lanczosModes(backend, inp, k);
    if (sol) return sol;
    fellBack = true;
  }
  const factor = factorScaled(backend, inp);
  const U = factor.U;
  const eps = factor.eps;
  // One M x M array from here on: Theta = U D U^T replaces U in its upper triangle while U^T is kept in the strict
  // lower one (+ diag); eighEnds reduces the upper triangle in place (all eigenvalues, 2k vectors); lowerTimes then
  // forms U^T W from the lower triangle.
  const uDiag = backend.signedOuterInPlace(U, M, DX);
  const both = 2 * k <= M;
  const ends = backend.eighEnds(U, M, both ? k : M, both ? k : 0);
  const asc = ends.values;
  const ne = both ? 2 * k : M;
  /** column of ends.vectors holding the eigenvector of the i-th smallest eigenvalue */
  const colOf = (i: number): number => (both && i >= k ? k + i - (M - k) : i);

  // W: the selected eigenvectors of Theta as columns [top k descending..., bottom k most negative first...].
  const cols: number[] = [];
  for (let j = 0; j < k; j++) cols.push(colOf(M - 1 - j));
  for (let j = 0; j < k; j++) cols.push(colOf(j));
  const W = pickColumns(ends.vectors, M, ne, cols);
  const topValues = new Float64Array(k);
  const bottomValues = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    topValues[j] = asc[M - 1 - j];
    bottomValues[j] = asc[j];
  }
  let spectrum: Float64Array;
  let spectrumComplete: boolean;
  if (M <= (inp.fullSpectrumMaxM ?? FULL_SPECTRUM_MAX)) {
    spectrum = reversed(asc);
    spectrumComplete = true;
  } else {
    spectrum = extremesSpectrum(topValues, bottomValues);
    spectrumComplete = false;
  }
  // v = S D U^T w: rows of the Y block get the factor -sqrt(eta).
  const K2 = 2 * k;
  const V = W;
  backend.lowerTimes(U, M, uDiag, V, K2);
  scaleYRows(V, DX, M, K2, -s);
  return finish(backend, inp, k, V, topValues, bottomValues, spectrum, spectrumComplete, eps,
    { used: "full", fellBack: fellBack || undefined });
};

/**
 * The 2k wanted eigenpairs of Gamma_eps = D_eta B, B = C + eps S^-2 (S = diag(I, sqrt(eta) I)), by block Lanczos
 * in the B inner product (method/lanczos.ts, pencil form): ONE M x M x b product with C per block, and no
 * Cholesky factor. Gamma_eps = S^-1 (D (C_eta + eps I)) S, so its eigenvalues are those of the Cholesky path's
 * Theta = U D U^T with the same eps, and its eigenvectors are the v = S D U^T w that path forms from Theta's.
 * B is definite for eps > 0 (C is PSD). Returns undefined when Lanczos did not converge.
 */
const lanczosModes = (backend: LinalgBackend, inp: SpecSolveInput, k: number): SpecSolution | undefined => {
  const DX = inp.DX;
  const M = DX + inp.DY;
  const eta = inp.eta;
  const eps = regulariser(inp);
  const shiftY = eps / eta;
  const images = (X: Float64Array, b: number): { AX: Float64Array; BX: Float64Array } => {
    const BX = backend.gemm(inp.C, X, M, M, b);
    const AX = new Float64Array(BX.length);
    const split = DX * b;
    for (let i = 0; i < split; i++) {
      BX[i] += eps * X[i];
      AX[i] = BX[i];
    }
    for (let i = split; i < M * b; i++) {
      BX[i] += shiftY * X[i];
      AX[i] = -eta * BX[i];
    }
    return { AX: AX, BX: BX };
  };
  const r = extremeEigenpairs(backend, { images: images }, M,
    { kTop: k, kBottom: k, seed: 0, ...inp.lanczos });
  if (!r.converged) return undefined;
  const K2 = 2 * k;
  const V = new Float64Array(M * K2);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < k; j++) {
      V[i * K2 + j] = r.topVectors[i * k + j];
      V[i * K2 + k + j] = r.bottomVectors[i * k + j];
    }
  }
  return finish(backend, inp, k, V, r.top, r.bottom, extremesSpectrum(r.top, r.bottom), false, eps,
    { used: "lanczos", cycles: r.cycles, products: r.products, residual: r.maxResidual });
};

/** Whether the cholesky method tries block Lanczos first for k modes per side of an M x M problem. */
const lanczosChosen = (M: number, k: number, solver: EigenSolver = "auto"): boolean => {
  if (solver === "full") return false;
  if (solver === "lanczos") return 2 * k < M;
  return M >= LANCZOS_MIN && 8 * k <= M;
};

const useLanczos = (inp: SpecSolveInput, k: number): boolean => lanczosChosen(inp.DX + inp.DY, k, inp.solver);

const solveDirect = (backend: LinalgBackend, inp: SpecSolveInput, k: number): SpecSolution => {
  const DX = inp.DX;
  const M = DX + inp.DY;
  const G = inp.C.slice();
  for (let i = DX; i < M; i++) {
    for (let j = 0; j < M; j++) G[i * M + j] *= -inp.eta;
  }
  const res = backend.eig(G, M);
  const order: number[] = [];
  for (let i = 0; i < M; i++) order.push(i);
  order.sort((a, b) => res.re[b] - res.re[a]);
  const spectrum = new Float64Array(M);
  for (let i = 0; i < M; i++) spectrum[i] = res.re[order[i]];
  // The real part of a complex pair's eigenvector is the column of its first member (LAPACK layout).
  const realColumn = (j: number): number => {
    if (res.im[j] === 0) return j;
    return res.im[j] > 0 ? j : j - 1;
  };
  const cols: number[] = [];
  for (let j = 0; j < k; j++) cols.push(realColumn(order[j]));
  for (let j = 0; j < k; j++) cols.push(realColumn(order[M - 1 - j]));
  const V = pickColumns(res.vectors, M, M, cols);
  const topValues = spectrum.slice(0, k);
  const bottomValues = new Float64Array(k);
  for (let j = 0; j < k; j++) bottomValues[j] = spectrum[M - 1 - j];
  return finish(backend, inp, k, V, topValues, bottomValues, spectrum, true, 0, { used: "direct" });
};

/** Eigenpairs of Gamma = D_eta C: see the header comment for the methods, normalisation and signs. */
export const solveSpec = (backend: LinalgBackend, inp: SpecSolveInput): SpecSolution => {
  checkInput(inp);
  const k = Math.min(inp.k, inp.DX + inp.DY);
  return inp.method === "cholesky" ? solveCholesky(backend, inp, k) : solveDirect(backend, inp, k);
};
export { lanczosChosen };
