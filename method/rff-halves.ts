// The random-feature error of the eigenvalues, measured from the run's own Gram matrix: the frequencies of each
// Gaussian side are split into two disjoint halves, and SPEC is solved again on each half (the submatrix of C on
// those features, times 2: each half is an m/2-frequency estimate of the same kernel). The two halves' eigenvalues
// are independent estimates with twice the full run's variance, so |a - b| / 2 estimates the full run's error.
// A cosine side has exact features and is kept whole in both halves.
import type { LinalgBackend } from "../linalg/backend";
import { solveSpec } from "./solver";

interface HalvesInput {
  C: Float64Array;
  colSum: Float64Array;
  n: number;
  DX: number;
  DY: number;
  /** frequencies of each side (features [cos (m), sin (m)]), null for a cosine side */
  mX: number | null;
  mY: number | null;
  eta: number;
  k: number;
  inputPrecision: "float64" | "float32";
}

interface HalvesResult {
  /** the k largest / smallest eigenvalues of each half: [half A, half B] */
  positive: [number[], number[]];
  negative: [number[], number[]];
  /** |a - b| / 2 per rank: the estimated error of the full run's eigenvalue of that rank */
  positiveError: number[];
  negativeError: number[];
}

/** Feature indices of one side's half (0 or 1), offset by `off`. */
const halfIndices = (m: number | null, dim: number, half: number, off: number): number[] => {
  if (m === null) return Array.from({ length: dim }, (_, i) => off + i);
  const h = Math.floor(m / 2);
  const lo = half === 0 ? 0 : h;
  const hi = half === 0 ? h : m;
  const out: number[] = [];
  for (let f = lo; f < hi; f++) out.push(off + f);
  for (let f = lo; f < hi; f++) out.push(off + m + f);
  return out;
};

/** undefined when no side has random features (or too few for halves) */
const rffHalves = (backend: LinalgBackend, inp: HalvesInput): HalvesResult | undefined => {
  if ((inp.mX === null || inp.mX < 4) && (inp.mY === null || inp.mY < 4)) return undefined;
  const M = inp.DX + inp.DY;
  const pos: number[][] = [];
  const neg: number[][] = [];
  for (let half = 0; half < 2; half++) {
    const ix = halfIndices(inp.mX, inp.DX, half, 0);
    const iy = halfIndices(inp.mY, inp.DY, half, inp.DX);
    const idx = ix.concat(iy);
    const Mh = idx.length;
    const Ch = new Float64Array(Mh * Mh);
    const sx = inp.mX === null ? 1 : Math.SQRT2;
    const sy = inp.mY === null ? 1 : Math.SQRT2;
    const scale = (i: number): number => (i < ix.length ? sx : sy);
    for (let a = 0; a < Mh; a++) {
      const row = idx[a] * M;
      for (let b = 0; b < Mh; b++) Ch[a * Mh + b] = inp.C[row + idx[b]] * scale(a) * scale(b);
    }
    const cs = Float64Array.from(idx, (j, a) => inp.colSum[j] * scale(a));
    const k = Math.min(inp.k, Math.floor(Math.min(ix.length, iy.length) / 2));
    // eigenvalues only matter here: block Lanczos whenever the problem is wide enough for it (a full reduction of
    // an M/2 x M/2 matrix costs ~3x as much from M/2 = 2000), with its fallback to the full solver
    const sol = solveSpec(backend, { C: Ch, n: inp.n, colSum: cs, DX: ix.length, DY: iy.length, eta: inp.eta,
      method: "cholesky", k: k, inputPrecision: inp.inputPrecision, solver: 8 * k <= Mh && Mh >= 1000 ? "lanczos" : "auto" });
    pos.push(Array.from(sol.positive.values));
    neg.push(Array.from(sol.negative.values));
  }
  const err = (a: number[], b: number[]): number[] => a.map((v, j) => Math.abs(v - b[j]) / 2);
  return { positive: [pos[0], pos[1]], negative: [neg[0], neg[1]], positiveError: err(pos[0], pos[1]),
    negativeError: err(neg[0], neg[1]) };
};

export { rffHalves, HalvesResult };
