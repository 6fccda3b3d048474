// Model resolution, on the driver before any Beam stage: everything workers need to rebuild the same features from
// the seed. The bandwidths (the median heuristic when "auto", a sanity check against the data when given) and the
// float32 projection's centring points come from one plan-time sample of rows spread over the shards.
import { checkSigma, SigmaCheck } from "../method/sigma-check";
import type { SpecConfig } from "../configs/schema";
import { PlanError, RunPlan } from "./plan";
import { headOfShard, ShardDesc } from "../shards/shard";
import { readSide } from "../shards/read";
import { readIdsFile } from "../io/source";
import { autoSigma } from "../method/bandwidth";
import { getBackend } from "../linalg/index";
import type { SpecModel } from "../method/model";

const SHARDS_SAMPLED_FOR_SIGMA = 20;
/** sigma = SIGMA_SCALE * median pairwise distance: autoSigma's default scale (method/bandwidth.ts explains 1/2) */
const SIGMA_SCALE = 0.5;

/** Rows for the median heuristic, spread over up to 20 evenly spaced shards (inputs are often sorted by class). */
const sampleSide = (shards: ShardDesc[], opts: RunPlan["x"]["options"], maxRows: number): { v: Float64Array; rows: number } => {
  const picks = Math.min(shards.length, SHARDS_SAMPLED_FOR_SIGMA);
  const per = Math.ceil(maxRows / picks);
  const vals: number[] = [];
  let rows = 0;
  for (let p = 0; p < picks; p++) {
    const shard = headOfShard(shards[Math.floor((p * shards.length) / picks)], per);
    const r = readSide(shard, opts, false, readIdsFile);
    for (let i = 0; i < r.vectors.length; i++) vals.push(r.vectors[i]);
    rows += r.rows;
  }
  return { v: Float64Array.from(vals), rows: rows };
};

/** by_row: X and Y sampled from the same rows; by_id: each side from its own shards (samples need not pair). */
const sigmaSample = (plan: RunPlan, maxRows: number): { x: Float64Array; xRows: number; y: Float64Array; yRows: number } => {
  const xs = sampleSide(plan.shards, plan.x.options, maxRows);
  const yShards = plan.pairing === "by_id" ? plan.yShards
    : plan.shards.map((sh) => ({ ...sh, x: sh.y ?? sh.x, y: null }));
  const ys = sampleSide(yShards, plan.y.options, maxRows);
  return { x: xs.v, xRows: xs.rows, y: ys.v, yRows: ys.rows };
};

/** method/bandwidth.ts autoSigma (sigma = median pairwise distance / 2) with the distances by the backend's GEMM. */
const gramSigma = (backendChoice: SpecConfig["compute"]["backend"], x: Float64Array, rows: number, d: number,
                   maxRows: number, seed: number): number =>
  autoSigma(x, rows, d, { maxRows: maxRows, seed: seed, scale: SIGMA_SCALE, backend: getBackend(backendChoice) });

/** The float32 projection's centring point: the column means of the plan-time sample (rows x d). */
const columnMean = (v: Float64Array, rows: number, d: number): number[] => {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j] += v[r * d + j];
  return Array.from(mean, (s) => s / Math.max(rows, 1));
};

/**
 * A given bandwidth far from the data's scale makes the comparison meaningless without any error: sigma << the
 * pairwise distances gives K ~ I (every sample its own cluster, random-feature noise for eigenvectors), sigma >> them
 * gives K ~ 1 (one cluster; the Cholesky route then meets a rank-1 C). Measured against the median pairwise distance
 * of the plan-time sample: beyond a factor 1000 the run is refused, beyond 30 it is warned about.
 */
const BANDWIDTH_REFUSE = 1000;
const BANDWIDTH_WARN = 30;

const checkBandwidth = (side: "x" | "y", src: string, sigma: number, median: number): string | undefined => {
  if (!(median > 0)) return undefined;
  const ratio = sigma / median;
  const advice = `the median pairwise distance of the sampled rows is ${median.toPrecision(3)}; ` +
    `try --sigma-${side} ${(median / 2).toPrecision(3)} (or auto)`;
  const what = ratio < 1 ? "too small: every sample becomes its own cluster" : "too large: all samples look alike";
  if (ratio < 1 / BANDWIDTH_REFUSE || ratio > BANDWIDTH_REFUSE) {
    throw new PlanError(`${side}: ${src}: sigma_${side} = ${sigma} is ${what}; ${advice}`);
  }
  if (ratio < 1 / BANDWIDTH_WARN || ratio > BANDWIDTH_WARN) return `sigma_${side} = ${sigma} may be ${what}; ${advice}`;
  return undefined;
};

/**
 * The median heuristic on one side's sample; its refusals (all sampled rows equal) are the user's data, not a bug:
 * a PlanError naming the side and its input (exit 2).
 */
const sideHeuristic = (cfg: SpecConfig, side: "x" | "y", v: Float64Array, rows: number, d: number): number => {
  try {
    return gramSigma(cfg.compute.backend, v, rows, d, cfg.kernel.auto_sigma_rows, cfg.seed);
  } catch (e) {
    const src = side === "x" ? cfg.x.path : cfg.y?.path ?? cfg.x.path;
    throw new PlanError(`${side}: ${src}: --sigma-${side} auto: ${(e as Error).message.replace(/^autoSigma: /, "")}`);
  }
};

/** The spectrum check (method/sigma-check.ts) around the median heuristic on one side's sample. */
const sideCheck = (cfg: SpecConfig, side: "x" | "y", v: Float64Array, rows: number, d: number): SigmaCheck =>
  checkSigma(getBackend(cfg.compute.backend), v, rows, d, sideHeuristic(cfg, side, v, rows, d) / SIGMA_SCALE);

/** The model every worker rebuilds its features from, and how its bandwidths were chosen. */
interface ResolvedModel {
  model: SpecModel;
  /** "given", or how the median heuristic sampled */
  sigmaSource: string;
  /** bandwidths far from the data's scale (also in summary.json kernel.bandwidth_warnings) */
  warnings: string[];
  /** sigma "checked": the spectrum check per side (method/sigma-check.ts) */
  sigmaChecks: Record<string, SigmaCheck>;
}

const resolveModel = (cfg: SpecConfig, plan: RunPlan): ResolvedModel => {
  const k = cfg.kernel;
  let sx = k.sigma_x;
  let sy = k.sigma_y;
  let source = "given";
  const centred = k.type === "gaussian" && cfg.compute.projection === "float32";
  const sample = k.type === "gaussian" ? sigmaSample(plan, k.auto_sigma_rows) : undefined;
  // the median heuristic's own refusals (all sampled rows equal) are the user's data, not a bug: exit 2

  const checks: Record<string, SigmaCheck> = {};
  if (sample !== undefined && (sx === "auto" || sy === "auto" || sx === "checked" || sy === "checked")) {
    const pick = (side: "x" | "y", given: number | "auto" | "checked"): number => {
      if (typeof given === "number") return given;
      const v = side === "x" ? sample.x : sample.y;
      const rows = side === "x" ? sample.xRows : sample.yRows;
      const d = side === "x" ? plan.x.dim : plan.y.dim;
      if (given === "auto") return sideHeuristic(cfg, side, v, rows, d);
      checks[side] = sideCheck(cfg, side, v, rows, d);
      return checks[side].chosen.sigma;
    };
    sx = pick("x", sx);
    sy = pick("y", sy);
    source = `${Object.keys(checks).length > 0 ? "checked" : "auto"}: median heuristic (sigma = median pairwise ` +
      `distance / 2) on ${sample.xRows} rows from ${Math.min(plan.shards.length, SHARDS_SAMPLED_FOR_SIGMA)} shard(s)` +
      Object.entries(checks).map(([side, c]) => `; ${side}: ${c.explanation.join(" ")}`).join("");
  }
  const warnings: string[] = [];
  if (sample !== undefined) {
    for (const side of ["x", "y"] as const) {
      const given = side === "x" ? k.sigma_x : k.sigma_y;
      if (given === "auto" || given === "checked") continue;
      let median = 0;
      try {
        median = sideHeuristic(cfg, side, side === "x" ? sample.x : sample.y, side === "x" ? sample.xRows : sample.yRows,
          side === "x" ? plan.x.dim : plan.y.dim) / SIGMA_SCALE;
      } catch {
        median = 0; // duplicate rows: nothing to measure the given sigma against
      }
      const w = checkBandwidth(side, side === "x" ? cfg.x.path : cfg.y?.path ?? cfg.x.path, given, median);
      if (w) warnings.push(w);
    }
  }
  if (k.share_omegas && plan.x.dim !== plan.y.dim) {
    throw new Error(`kernel.share_omegas needs equal dimensions, x has ${plan.x.dim} and y has ${plan.y.dim}`);
  }
  const gaussian = k.type === "gaussian";
  return {
    model: {
      seed: cfg.seed,
      eta: cfg.eta,
      precision: cfg.compute.precision,
      projection: cfg.compute.projection,
      x: { kernel: k.type, d: plan.x.dim, m: gaussian ? k.rff : 0, sigma: gaussian ? (sx as number) : 0,
        stream: k.share_omegas ? "shared" : "x",
        center: centred && sample ? columnMean(sample.x, sample.xRows, plan.x.dim) : undefined },
      y: { kernel: k.type, d: plan.y.dim, m: gaussian ? k.rff : 0, sigma: gaussian ? (sy as number) : 0,
        stream: k.share_omegas ? "shared" : "y",
        center: centred && sample ? columnMean(sample.y, sample.yRows, plan.y.dim) : undefined },
    },
    sigmaSource: source,
    warnings: warnings,
    sigmaChecks: checks,
  };
};

export { resolveModel, ResolvedModel, gramSigma, sigmaSample, sideCheck };
