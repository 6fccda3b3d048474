// SPEC-align's core on arrays (docs/method.md section 6), cosine kernel with exact features:
// Gamma_b = D_eta (1/b) V^T V with V = [Vx, Vy] (b x M, rows unit-normalised) and D_eta = diag(I, -eta I);
// eta = 1 in the reference. Its eigenvalue of largest |.| is the minibatch SPEC-diff that alignment minimises.
// Gradient: with right eigenvector v and left eigenvector w of Gamma_b, d lambda = w^T (d Gamma_b) v / (w^T v).
// The left eigenvector has a closed form: Gamma^T = (1/b) V^T V D_eta, so w = D_eta^-1 v. Then
//   d lambda / d V = (2/b) (V v) v^T / (v^T D_eta^-1 v),
// whose Y columns are d lambda / d Vy. For f_theta(Y) = Y W the chain rule goes through the row normalisation
// Vy = Z / ||Z_row|| (Z = Y W): dZ_r = (g_r - vy_r (vy_r . g_r)) / ||Z_r||, then d lambda / d W = Y^T dZ.
// Minimising |lambda| uses sign(lambda) times this gradient.
import type { LinalgBackend } from "../linalg/backend";
import { Prng } from "./prng";

export interface RowNormalised {
  /** rows x d, each row divided by its norm */
  v: Float64Array;
  norms: Float64Array;
}

const normalizeRows = (z: Float64Array, rows: number, d: number): RowNormalised => {
  const v = new Float64Array(rows * d);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += z[r * d + j] * z[r * d + j];
    const nr = Math.sqrt(ss);
    if (!(nr > 0) || !Number.isFinite(nr)) throw new RangeError(`normalizeRows: row ${r} has norm ${nr}`);
    norms[r] = nr;
    for (let j = 0; j < d; j++) v[r * d + j] = z[r * d + j] / nr;
  }
  return { v: v, norms: norms };
};

/** [Vx, Vy] as one b x (dx + dy) row-major matrix. */
const concatColumns = (Vx: Float64Array, Vy: Float64Array, b: number, dx: number, dy: number): Float64Array => {
  const M = dx + dy;
  const V = new Float64Array(b * M);
  for (let r = 0; r < b; r++) {
    V.set(Vx.subarray(r * dx, (r + 1) * dx), r * M);
    V.set(Vy.subarray(r * dy, (r + 1) * dy), r * M + dx);
  }
  return V;
};

/** Gamma_b (M x M, M = dx + dy) of row-normalised minibatch features Vx (b x dx) and Vy (b x dy). */
const gammaMinibatch = (backend: LinalgBackend, Vx: Float64Array, Vy: Float64Array, b: number, dx: number,
                               dy: number, eta = 1): Float64Array => {
  const M = dx + dy;
  const V = concatColumns(Vx, Vy, b, dx, dy);
  const G = backend.gemm(V, V, M, b, M, true, false);
  for (let i = 0; i < M; i++) {
    const f = (i >= dx ? -eta : 1) / b;
    for (let j = 0; j < M; j++) G[i * M + j] *= f;
  }
  return G;
};

export interface PowerResult {
  value: number;
  /** unit right eigenvector (warm start for the next call) */
  vector: Float64Array;
  iterations: number;
  converged: boolean;
}

export interface PowerOptions {
  start?: Float64Array;
  maxIter?: number;
  /** stop when ||G v - lambda v|| <= tol * |lambda| */
  tol?: number;
}

/**
 * Power iteration for the eigenvalue of largest |.| of the M x M matrix G (real spectrum assumed, as for
 * Gamma_b, which is similar to a symmetric matrix). Converges at rate |lambda_2 / lambda_1|; if the two largest
 * magnitudes are (nearly) equal with opposite signs it may not converge and says so in `converged`.
 */
const powerIteration = (backend: LinalgBackend, G: Float64Array, M: number,
                               opts: PowerOptions = {}): PowerResult => {
  const maxIter = opts.maxIter ?? 2000;
  const tol = opts.tol ?? 1e-10;
  let v = new Float64Array(M);
  let norm0 = 0;
  if (opts.start !== undefined && opts.start.length === M) {
    v.set(opts.start);
    for (let i = 0; i < M; i++) norm0 += v[i] * v[i];
  }
  if (!(norm0 > 0)) {
    const rng = new Prng(0, "power-iteration");
    norm0 = 0;
    for (let i = 0; i < M; i++) {
      v[i] = rng.normal();
      norm0 += v[i] * v[i];
    }
  }
  const inv0 = 1 / Math.sqrt(norm0);
  for (let i = 0; i < M; i++) v[i] *= inv0;
  let value = 0;
  for (let it = 1; it <= maxIter; it++) {
    const Gv = backend.gemm(G, v, M, M, 1);
    let lam = 0;
    for (let i = 0; i < M; i++) lam += v[i] * Gv[i];
    let res = 0;
    let nn = 0;
    for (let i = 0; i < M; i++) {
      const r = Gv[i] - lam * v[i];
      res += r * r;
      nn += Gv[i] * Gv[i];
    }
    value = lam;
    if (Math.sqrt(res) <= tol * Math.abs(lam)) return { value: value, vector: v, iterations: it, converged: true };
    if (!(nn > 0)) return { value: 0, vector: v, iterations: it, converged: true };
    const inv = 1 / Math.sqrt(nn);
    const next = new Float64Array(M);
    for (let i = 0; i < M; i++) next[i] = Gv[i] * inv;
    v = next;
  }
  return { value: value, vector: v, iterations: maxIter, converged: false };
};

/**
 * The eigenvalue of largest |.| of Gamma_b and its right eigenvector without iterating (with the smallest and
 * largest eigenvalues, low and high): Gamma_b = D V^T V / b
 * shares its nonzero eigenvalues with the symmetric b x b S = V D V^T / b = (Vx Vx^T - eta Vy Vy^T) / b, and
 * S u = lambda u gives Gamma_b (D V^T u) = lambda (D V^T u). Power iteration stalls when the largest positive and
 * negative eigenvalues have nearly equal magnitude, which is exactly where alignment drives the minibatch; this
 * does not (one symmetric tridiagonal reduction, vectors for the two ends only).
 */
const extremeEigenpair = (backend: LinalgBackend, Vx: Float64Array, Vy: Float64Array, b: number, dx: number,
                          dy: number, eta = 1): PowerResult & { low: number; high: number } => {
  const kx = backend.gemm(Vx, Vx, b, dx, b, false, true);
  const ky = backend.gemm(Vy, Vy, b, dy, b, false, true);
  const S = new Float64Array(b * b);
  for (let i = 0; i < b * b; i++) S[i] = (kx[i] - eta * ky[i]) / b;
  const r = backend.eighEnds(S, b, 1, 1);
  const low = r.values[0];
  const high = r.values[b - 1];
  const col = Math.abs(high) >= Math.abs(low) ? 1 : 0;
  const value = col === 1 ? high : low;
  const M = dx + dy;
  const v = new Float64Array(M);
  for (let row = 0; row < b; row++) {
    const u = r.vectors[row * 2 + col];
    for (let j = 0; j < dx; j++) v[j] += Vx[row * dx + j] * u;
    for (let j = 0; j < dy; j++) v[dx + j] -= eta * Vy[row * dy + j] * u;
  }
  let nn = 0;
  for (let i = 0; i < M; i++) nn += v[i] * v[i];
  const inv = 1 / Math.sqrt(nn);
  for (let i = 0; i < M; i++) v[i] *= inv;
  return { value: value, vector: v, iterations: 0, converged: true, low: low, high: high };
};

/**
 * d lambda / d Vy (b x dy) for the simple eigenvalue lambda of Gamma_b with right eigenvector v (length dx + dy),
 * through the left eigenvector w = D_eta^-1 v (see the header comment).
 */
const eigenvalueGradientVy = (backend: LinalgBackend, Vx: Float64Array, Vy: Float64Array, b: number,
                                     dx: number, dy: number, v: Float64Array, eta = 1): Float64Array => {
  const M = dx + dy;
  const V = concatColumns(Vx, Vy, b, dx, dy);
  const Vv = backend.gemm(V, v, b, M, 1);
  let wv = 0;
  for (let i = 0; i < M; i++) wv += (i >= dx ? -1 / eta : 1) * v[i] * v[i];
  if (wv === 0) throw new RangeError("eigenvalueGradientVy: w^T v = 0 (the eigenvalue is defective or zero)");
  const g = new Float64Array(b * dy);
  const f = 2 / (b * wv);
  for (let r = 0; r < b; r++) {
    for (let j = 0; j < dy; j++) g[r * dy + j] = f * Vv[r] * v[dx + j];
  }
  return g;
};

export interface AlignStepResult {
  /** the eigenvalue of largest |.| of Gamma_b (signed) */
  lambda: number;
  /** its right eigenvector: pass as `start` next step */
  vector: Float64Array;
  /** d lambda / d W (dyIn x dy, row-major); use sign(lambda) * gradW to descend on |lambda| */
  gradW: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * One SPEC-align evaluation for the linear trainable map f(Y) = Y W: X (b x dx) and Y (b x dyIn) are the SAME b
 * samples (row r of both), W is dyIn x dy. Features are row-normalised (cosine kernel).
 */
const alignLinearStep = (backend: LinalgBackend, X: Float64Array, Y: Float64Array, W: Float64Array,
                                b: number, dx: number, dyIn: number, dy: number,
                                opts: PowerOptions & { eta?: number; solver?: "power" | "exact" } = {}): AlignStepResult => {
  const eta = opts.eta ?? 1;
  const nx = normalizeRows(X, b, dx);
  const Z = backend.gemm(Y, W, b, dyIn, dy);
  const ny = normalizeRows(Z, b, dy);
  const M = dx + dy;
  const p = opts.solver === "exact" ? extremeEigenpair(backend, nx.v, ny.v, b, dx, dy, eta)
    : powerIteration(backend, gammaMinibatch(backend, nx.v, ny.v, b, dx, dy, eta), M, opts);
  const gVy = eigenvalueGradientVy(backend, nx.v, ny.v, b, dx, dy, p.vector, eta);
  const gZ = new Float64Array(b * dy);
  for (let r = 0; r < b; r++) {
    let dot = 0;
    for (let j = 0; j < dy; j++) dot += ny.v[r * dy + j] * gVy[r * dy + j];
    const inv = 1 / ny.norms[r];
    for (let j = 0; j < dy; j++) gZ[r * dy + j] = (gVy[r * dy + j] - ny.v[r * dy + j] * dot) * inv;
  }
  const gradW = backend.gemm(Y, gZ, dyIn, b, dy, true, false);
  return { lambda: p.value, vector: p.vector, gradW: gradW, iterations: p.iterations, converged: p.converged };
};

export { normalizeRows, gammaMinibatch, powerIteration, extremeEigenpair, eigenvalueGradientVy, alignLinearStep };
