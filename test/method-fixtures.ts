// Shared data builders for the SPEC tests: seeded clustered embeddings, feature blocks, the n x n matrices the
// oracles compare against, and the backends to run every oracle on.
import type { LinalgBackend } from "../linalg/backend";
import { getBackend } from "../linalg/index";
import { Prng } from "../method/prng";
import { featuresInto, makeFeatureMap } from "../method/features";
import type { FeatureMap, KernelName } from "../method/features";
import { GramAccumulator, covariance } from "../method/gram";
import { solveSpec } from "../method/solver";
import type { SolveMethod, SpecSolution } from "../method/solver";
import { scoreBlock } from "../method/scores";

export interface BackendCase {
  label: string;
  load: () => LinalgBackend;
}

/** portable always; native must load unless SPEC_BEAM_ALLOW_NO_NATIVE=1 (then its suite is skipped). */
const backendCases: BackendCase[] = [
  { label: "portable", load: () => getBackend("portable") },
  { label: "native", load: () => getBackend("native") },
];

const allowNoNative = (): boolean => process.env.SPEC_BEAM_ALLOW_NO_NATIVE === "1";

/** n x d matrix of N(0, 1) entries. */
const randn = (rng: Prng, n: number, d: number): Float64Array => {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
};

/** n points around `clusters` random centres (scale `spread` around N(0, sep^2) centres); labels[i] = i % clusters. */
const clustered = (seed: number, n: number, d: number, clusters: number, sep: number,
                          spread: number): { x: Float64Array; labels: Int32Array } => {
  const rng = new Prng(seed, "fixture-clusters");
  const centres = randn(rng, clusters, d);
  const x = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let t = 0; t < d; t++) x[i * d + t] = sep * centres[c * d + t] + spread * rng.normal();
  }
  return { x: x, labels: labels };
};

export interface Problem {
  n: number;
  fx: FeatureMap;
  fy: FeatureMap;
  /** n x M, Phi = [Phi_X, Phi_Y] */
  phi: Float64Array;
  M: number;
}

const makeMaps = (kernel: KernelName, dX: number, dY: number, m: number, sigmaX: number, sigmaY: number,
                         seed: number, shared = false): { fx: FeatureMap; fy: FeatureMap } => ({
  fx: makeFeatureMap({ kernel: kernel, d: dX, m: m, sigma: sigmaX, seed: seed, stream: shared ? "shared" : "x" }),
  fy: makeFeatureMap({ kernel: kernel, d: dY, m: m, sigma: sigmaY, seed: seed, stream: shared ? "shared" : "y" }),
});

/** Phi = [Phi_X, Phi_Y] built block by block (blocks of `block` rows) as the pipeline does. */
const buildPhi = (backend: LinalgBackend, fx: FeatureMap, fy: FeatureMap, X: Float64Array, Y: Float64Array,
                         n: number, block = 37): Problem => {
  const M = fx.dim + fy.dim;
  const phi = new Float64Array(n * M);
  for (let r0 = 0; r0 < n; r0 += block) {
    const rows = Math.min(block, n - r0);
    const out = new Float64Array(rows * M);
    featuresInto(backend, fx, X.subarray(r0 * fx.d, (r0 + rows) * fx.d), rows, out, M, 0);
    featuresInto(backend, fy, Y.subarray(r0 * fy.d, (r0 + rows) * fy.d), rows, out, M, fx.dim);
    phi.set(out, r0 * M);
  }
  return { n: n, fx: fx, fy: fy, phi: phi, M: M };
};

/** Accumulates C in blocks through GramAccumulator and solves. */
const solveProblem = (backend: LinalgBackend, p: Problem, eta: number, method: SolveMethod, k: number,
                             block = 29): SpecSolution => {
  const acc = new GramAccumulator(p.M);
  for (let r0 = 0; r0 < p.n; r0 += block) {
    const rows = Math.min(block, p.n - r0);
    acc.addBlock(backend, p.phi.subarray(r0 * p.M, (r0 + rows) * p.M), rows);
  }
  return solveSpec(backend, {
    C: covariance(acc), n: acc.n, colSum: acc.colSum, DX: p.fx.dim, DY: p.fy.dim, eta: eta, method: method, k: k,
  });
};

/** Scores u = Phi V (n x K), computed in blocks through scoreBlock. */
const scoresOf = (backend: LinalgBackend, p: Problem, V: Float64Array, K: number, block = 23): Float64Array => {
  const u = new Float64Array(p.n * K);
  for (let r0 = 0; r0 < p.n; r0 += block) {
    const rows = Math.min(block, p.n - r0);
    u.set(scoreBlock(backend, p.phi.subarray(r0 * p.M, (r0 + rows) * p.M), rows, p.M, V, K), r0 * K);
  }
  return u;
};

/** (1/n)(Phi_X Phi_X^T - eta Phi_Y Phi_Y^T), formed directly in the n x n space (plain loops). */
const lambdaFromPhi = (p: Problem, eta: number): Float64Array => {
  const n = p.n;
  const M = p.M;
  const DX = p.fx.dim;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let a = 0;
      let b = 0;
      for (let t = 0; t < DX; t++) a += p.phi[i * M + t] * p.phi[j * M + t];
      for (let t = DX; t < M; t++) b += p.phi[i * M + t] * p.phi[j * M + t];
      const v = (a - eta * b) / n;
      L[i * n + j] = v;
      L[j * n + i] = v;
    }
  }
  return L;
};

/** Column j of the r x c row-major matrix A. */
const column = (A: Float64Array, r: number, c: number, j: number): Float64Array => {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) out[i] = A[i * c + j];
  return out;
};

const norm2 = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
};

const sum = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
};

/** ||L u - lambda u|| / ||u|| for the n x n symmetric L. */
const eigenResidual = (L: Float64Array, n: number, u: Float64Array, lambda: number): number => {
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += L[i * n + j] * u[j];
    const d = s - lambda * u[i];
    r2 += d * d;
  }
  return Math.sqrt(r2) / norm2(u);
};

/** The values sorted descending, padded with zeros to length len (the zero eigenvalues of the larger matrix). */
const paddedDescending = (values: ArrayLike<number>, len: number): Float64Array => {
  const out = new Float64Array(len);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out.sort().reverse();
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Eigenvalues of the n x n symmetric L, descending. */
const eigvalsDescending = (backend: LinalgBackend, L: Float64Array, n: number): Float64Array =>
  backend.eigh(L, n).values.slice().reverse();

export {
  backendCases, allowNoNative, randn, clustered, makeMaps, buildPhi, solveProblem, scoresOf, lambdaFromPhi, column,
  norm2, sum, eigenResidual, paddedDescending, maxAbsDiff, eigvalsDescending,
};
