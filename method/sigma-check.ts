// The bandwidth check behind `spec-beam sigma` and `sigma: checked`: on the plan-time sample, the top eigenvalues
// of (1/s) K (s sampled rows, exact Gaussian kernel) at candidate bandwidths around the median heuristic. They sum
// to 1 (unit diagonal): a top eigenvalue near 1 means one cluster holds everything (sigma too large), near 1/s
// means every sample is its own (too small). The checked choice is the median heuristic when it passes, else the
// passing candidate nearest to it (on a log scale).
import type { LinalgBackend } from "../linalg/backend";

/** candidate sigma / median pairwise distance; 0.5 is the median heuristic (method/bandwidth.ts) */
const CANDIDATE_SCALES = [0.125, 0.25, 0.5, 1, 2];
const HEURISTIC_SCALE = 0.5;
const TOO_LARGE = 0.9;
const TOO_SMALL_TIMES_1_OVER_S = 10;

interface SigmaCandidate {
  sigma: number;
  scale: number;
  /** top eigenvalues of (1/s) K, descending */
  top: number[];
  verdict: "ok" | "too small" | "too large";
}

interface SigmaCheck {
  median: number;
  rows: number;
  candidates: SigmaCandidate[];
  chosen: SigmaCandidate;
  /** two lines a person can act on */
  explanation: string[];
}

const topOfKernel = (backend: LinalgBackend, sq: Float64Array, s: number, sigma: number, k: number): number[] => {
  const K = new Float64Array(s * s);
  const c = 1 / (2 * sigma * sigma);
  for (let i = 0; i < s * s; i++) K[i] = Math.exp(-sq[i] * c) / s;
  const all = backend.eighEnds(K, s, 0, 0).values;
  return Array.from(all.slice(all.length - k)).reverse();
};

/** x: s x d sample rows; median: their median pairwise distance (method/bandwidth.ts). */
const checkSigma = (backend: LinalgBackend, x: Float64Array, s: number, d: number, median: number): SigmaCheck => {
  const G = backend.gemm(x, x, s, d, s, false, true);
  const sq = new Float64Array(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) sq[a * s + b] = Math.max(0, G[a * s + a] + G[b * s + b] - 2 * G[a * s + b]);
  }
  const candidates = CANDIDATE_SCALES.map((scale): SigmaCandidate => {
    const sigma = scale * median;
    const top = topOfKernel(backend, sq, s, sigma, Math.min(5, s));
    const verdict = top[0] > TOO_LARGE ? "too large" : top[0] < TOO_SMALL_TIMES_1_OVER_S / s ? "too small" : "ok";
    return { sigma: sigma, scale: scale, top: top, verdict: verdict };
  });
  const heuristic = candidates.find((c) => c.scale === HEURISTIC_SCALE) as SigmaCandidate;
  const ok = candidates.filter((c) => c.verdict === "ok");
  const chosen = heuristic.verdict === "ok" || ok.length === 0 ? heuristic
    : ok.reduce((b, c) => (Math.abs(Math.log(c.scale / HEURISTIC_SCALE)) < Math.abs(Math.log(b.scale / HEURISTIC_SCALE)) ? c : b));
  const f = (v: number): string => v.toPrecision(3);
  const explanation = [
    `sigma = ${f(chosen.sigma)} (${chosen.scale} x the median pairwise distance ${f(median)} of ${s} sampled rows` +
      `${chosen === heuristic ? ", the median heuristic" : ""}): the top eigenvalues of C are ${chosen.top.slice(0, 3).map(f).join(", ")}` +
      `${chosen.verdict === "ok" ? `, well between 1/n = ${f(1 / s)} and 1` : ` (${chosen.verdict}: no candidate passed)`}.`,
    `Smaller sigmas make each sample more its own cluster (top eigenvalue ${f(candidates[0].top[0])} at ` +
      `${f(candidates[0].sigma)}); larger ones merge them (${f(candidates[candidates.length - 1].top[0])} at ` +
      `${f(candidates[candidates.length - 1].sigma)}).` +
      (chosen !== heuristic ? ` The median heuristic (${f(heuristic.sigma)}) was ${heuristic.verdict}.` : ""),
  ];
  return { median: median, rows: s, candidates: candidates, chosen: chosen, explanation: explanation };
};

export { checkSigma, SigmaCheck, SigmaCandidate, CANDIDATE_SCALES };
