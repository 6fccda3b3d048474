// Automatic Gaussian bandwidth ("--sigma-x auto"): a median heuristic on a seeded subsample.
// Rule: take min(rows, maxRows) distinct rows (all rows, or a uniform subsample drawn by a partial Fisher-Yates
// shuffle with Prng(seed, "bandwidth")), compute all pairwise Euclidean distances among them, take their median
// (mean of the two middle values for an even count) and return sigma = scale * median, scale = 1/2 by default.
// Why 1/2 and not the textbook median itself: embedding distances concentrate in high dimension, so most kernel
// entries are close to exp(-median^2 / (2 sigma^2)) and the top eigenvalue of (1/n) K is close to that value.
// sigma = median / 2 puts it at exp(-2) = 0.135, the regime of the reference notebook (top eigenvalues of C_XX and
// C_YY 0.136 and 0.157, docs/method.md section 9); sigma = median gives exp(-1/2) = 0.61, a kernel so flat that one
// mode absorbs most of the mass and the cluster modes SPEC looks for shrink. Pass scale to change it.
import type { LinalgBackend, Vec } from "../linalg/backend";
import { Prng } from "./prng";

export interface AutoSigmaOptions {
  /** rows used at most (pairs grow quadratically); default 1000 */
  maxRows?: number;
  seed: number;
  /** sigma = scale * median distance; default 0.5 */
  scale?: number;
  /**
   * given: the distances come from ONE Gram matrix of the subsample by this backend's GEMM,
   * ||a - b||^2 = |a|^2 + |b|^2 - 2 a.b, instead of the direct sums (the JS double loop over 1000 rows x 768..1024
   * dims took ~1-1.7 s); they differ by rounding only (~1e-15 relative at the median, where distances are
   * comparable to norms)
   */
  backend?: LinalgBackend;
}

/** Pairwise distances among the rows idx[0..take) of x, in pair order (a < b), by GEMM. */
const gemmDistances = (backend: LinalgBackend, x: Vec, d: number, idx: Uint32Array, take: number): Float64Array => {
  const xs = new Float64Array(take * d);
  for (let a = 0; a < take; a++) xs.set(x.subarray(idx[a] * d, (idx[a] + 1) * d), a * d);
  const G = backend.gemm(xs, xs, take, d, take, false, true);
  const dist = new Float64Array((take * (take - 1)) / 2);
  let p = 0;
  for (let a = 0; a < take; a++) {
    const na = G[a * take + a];
    for (let b = a + 1; b < take; b++) {
      const sq = na + G[b * take + b] - 2 * G[a * take + b];
      if (!Number.isFinite(sq)) {
        throw new RangeError(`autoSigma: the distance between rows ${idx[a]} and ${idx[b]} overflows`);
      }
      dist[p++] = Math.sqrt(Math.max(0, sq));
    }
  }
  return dist;
};

/** The same by direct sums of squared differences. */
const directDistances = (x: Vec, d: number, idx: Uint32Array, take: number): Float64Array => {
  const dist = new Float64Array((take * (take - 1)) / 2);
  let p = 0;
  for (let a = 0; a < take; a++) {
    const ra = idx[a] * d;
    for (let b = a + 1; b < take; b++) {
      const rb = idx[b] * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[ra + t] - x[rb + t];
        s += diff * diff;
      }
      if (!Number.isFinite(s)) {
        throw new RangeError(`autoSigma: the distance between rows ${idx[a]} and ${idx[b]} overflows`);
      }
      dist[p++] = Math.sqrt(s);
    }
  }
  return dist;
};

const DEFAULT_MAX_ROWS = 1000;
const DEFAULT_SCALE = 0.5;

export const autoSigma = (x: Vec, rows: number, d: number, opts: AutoSigmaOptions): number => {
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const scale = opts.scale ?? DEFAULT_SCALE;
  if (rows < 2) throw new RangeError(`autoSigma: need at least 2 rows to estimate a bandwidth, got ${rows}`);
  if (x.length < rows * d) throw new RangeError(`autoSigma: input holds ${x.length} values, need ${rows} x ${d}`);
  if (!(Number.isInteger(maxRows) && maxRows >= 2)) {
    throw new RangeError(`autoSigma: maxRows must be an integer >= 2, got ${maxRows}`);
  }
  if (!(scale > 0)) throw new RangeError(`autoSigma: scale must be > 0, got ${scale}`);
  const take = Math.min(rows, maxRows);
  const idx = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) idx[i] = i;
  if (take < rows) {
    const rng = new Prng(opts.seed, "bandwidth");
    for (let i = 0; i < take; i++) {
      const j = i + rng.below(rows - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
  }
  for (let a = 0; a < take; a++) {
    const ra = idx[a] * d;
    for (let t = 0; t < d; t++) {
      if (!Number.isFinite(x[ra + t])) {
        throw new RangeError(`autoSigma: row ${idx[a]}, column ${t}: non-finite value ${x[ra + t]}`);
      }
    }
  }
  const dist = opts.backend ? gemmDistances(opts.backend, x, d, idx, take) : directDistances(x, d, idx, take);
  dist.sort();
  const h = dist.length >> 1;
  const median = dist.length % 2 === 1 ? dist[h] : 0.5 * (dist[h - 1] + dist[h]);
  if (!(median > 0)) {
    throw new RangeError(`autoSigma: the median pairwise distance of ${take} sampled rows is 0 ` +
      "(mostly duplicate vectors); set sigma explicitly");
  }
  return scale * median;
};
