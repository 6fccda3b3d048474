// `spec-beam compare`: plan on the driver, run the Beam job, then assemble the small outputs (summary, eigenvalues,
// top samples, report) and publish the run directory atomically. A failed run leaves nothing at --out.
import * as fs from "fs";
import * as path from "path";
import * as beam from "apache-beam";
import type { SpecConfig } from "../configs/schema";
import { configHash } from "../configs/load";
import { headOfShard, planRun, PlanError, RunPlan, ShardDesc } from "./plan";
import { readSide } from "./shard-rows";
import { readIdsFile } from "../io/source";
import { writeParquet } from "../io/parquet-write";
import { storeFile, storeJoin, storeList, storeReadText, storeRemove, storeRename, storeWrite } from "../io/run-store";
import { openRunSession, RunSession } from "../io/run-session";
import { faultPoint, pausePoint } from "../io/fault";
import { withSignalCleanup } from "./run-signals";
import { autoSigma } from "../spec/bandwidth";
import { getBackend } from "../linalg/index";
import { featureDims, SpecModel } from "../spec/model";
import { compareGraph } from "../transforms/compare";
import type { JobSpec } from "../stages/job";
import type { SolutionJson } from "../stages/solve-stage";
import { Candidate, metaColumnType } from "../stages/score-stage";
import { renderReport } from "../report/html";
import { recordedFailure } from "../stages/failure";
import { runExact } from "./exact-run";
import { makeRunner, runnerDescription } from "./runners";

interface CompareResult {
  outDir: string;
  summary: Record<string, unknown>;
  /** runner.dry_run: the job request was printed and nothing was published */
  dryRun?: boolean;
}

const SHARDS_SAMPLED_FOR_SIGMA = 20;
/** sigma = SIGMA_SCALE * median pairwise distance: autoSigma's default scale (spec/bandwidth.ts explains 1/2) */
const SIGMA_SCALE = 0.5;
const PRNG_DESCRIPTION = "xoshiro128** seeded by splitmix32 from FNV-1a 32 of \"<seed>:<stream>\" (streams x, y, shared, bandwidth); normals by Box-Muller; see spec/prng.ts";

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

/** spec/bandwidth.ts autoSigma (sigma = median pairwise distance / 2) with the distances by the backend's GEMM. */
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

const resolveModel = (cfg: SpecConfig, plan: RunPlan): { model: SpecModel; sigmaSource: string; warnings: string[] } => {
  const k = cfg.kernel;
  let sx = k.sigma_x;
  let sy = k.sigma_y;
  let source = "given";
  const centred = k.type === "gaussian" && cfg.compute.projection === "float32";
  const sample = k.type === "gaussian" ? sigmaSample(plan, k.auto_sigma_rows) : undefined;
  // the median heuristic's own refusals (all sampled rows equal) are the user's data, not a bug: exit 2
  const auto = (side: "x" | "y", v: Float64Array, rows: number, d: number): number => {
    try {
      return gramSigma(cfg.compute.backend, v, rows, d, k.auto_sigma_rows, cfg.seed);
    } catch (e) {
      const src = side === "x" ? cfg.x.path : cfg.y?.path ?? cfg.x.path;
      throw new PlanError(`${side}: ${src}: --sigma-${side} auto: ${(e as Error).message.replace(/^autoSigma: /, "")}`);
    }
  };
  if (sample !== undefined && (sx === "auto" || sy === "auto")) {
    if (sx === "auto") sx = auto("x", sample.x, sample.xRows, plan.x.dim);
    if (sy === "auto") sy = auto("y", sample.y, sample.yRows, plan.y.dim);
    source = `auto: median heuristic (sigma = median pairwise distance / 2) on ${sample.xRows} rows from ` +
      `${Math.min(plan.shards.length, SHARDS_SAMPLED_FOR_SIGMA)} shard(s)`;
  }
  const warnings: string[] = [];
  if (sample !== undefined) {
    for (const side of ["x", "y"] as const) {
      const given = side === "x" ? k.sigma_x : k.sigma_y;
      if (given === "auto") continue;
      let median = 0;
      try {
        median = auto(side, side === "x" ? sample.x : sample.y, side === "x" ? sample.xRows : sample.yRows,
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
  };
};

/** by_id parts are written per bundle under unique names; give every run the part-NNNNN-of-NNNNN layout. */
const nameScoreParts = (tmpDir: string): string[] => {
  const parts = () => storeList(tmpDir, "scores").filter((f) => f.endsWith(".parquet"));
  const files = parts();
  const joined = files.filter((f) => f.startsWith("part-join-"));
  if (joined.length === 0) return files;
  const total = String(joined.length).padStart(5, "0");
  joined.forEach((f, i) => storeRename(tmpDir, `scores/${f}`, `scores/part-${String(i).padStart(5, "0")}-of-${total}.parquet`));
  return parts();
};

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

const packageVersion = (name: string): string => {
  try {
    return (readJson<{ version: string }>(require.resolve(`${name}/package.json`))).version;
  } catch {
    return "unknown";
  }
};

const runCompare = async (cfg: SpecConfig, opts: { progress?: boolean } = {}): Promise<CompareResult> => {
  const progress = opts.progress ?? true;
  const log = (s: string) => {
    if (progress) process.stderr.write(`${s}\n`);
  };
  // --out is checked and locked before any work: a refused or busy --out costs nothing
  const session = openRunSession({ out: cfg.out, inputs: runInputs(cfg), overwrite: cfg.overwrite,
    command: "compare", log: log });
  try {
    return await withSignalCleanup(session, () => computeAndPublish(cfg, session, log, progress));
  } finally {
    session.abort();
  }
};

/** Every path the run reads: --out may be none of them, nor contain or sit inside one. */
const runInputs = (cfg: SpecConfig): string[] =>
  [cfg.x.path, cfg.y?.path, cfg.x.ids_file, cfg.y?.ids_file].filter((p): p is string => typeof p === "string");

const computeAndPublish = async (cfg: SpecConfig, session: RunSession, log: (s: string) => void,
                                 progress: boolean): Promise<CompareResult> => {
  const timings: Record<string, number> = {};
  let t = Date.now();
  const plan = planRun(cfg);
  const resolved = resolveModel(cfg, plan);
  for (const w of resolved.warnings) process.stderr.write(`[plan] warning: ${w}\n`);
  timings.plan_seconds = (Date.now() - t) / 1000;
  const dims = featureDims(resolved.model);
  log(`[plan] n=${plan.n} rows in ${plan.shards.length} shard(s); dX=${plan.x.dim} dY=${plan.y.dim}; ` +
    `M=${dims.M} features; sigma_x=${resolved.model.x.sigma.toFixed(4)} sigma_y=${resolved.model.y.sigma.toFixed(4)}`);
  await pausePoint("plan");
  const tmpDir = session.work;
  const job: JobSpec = {
    model: resolved.model, xOpts: plan.x.options, yOpts: plan.y.options, backend: cfg.compute.backend,
    threads: cfg.compute.threads, blockRows: cfg.compute.block_rows, tile: cfg.compute.tile,
    method: cfg.method as "cholesky" | "direct", modes: cfg.modes, top: cfg.top, tmpDir: tmpDir, n: plan.n,
    shards: plan.shards.length, progress: progress, idSource: cfg.x.path, xSource: cfg.x.path,
    ySource: cfg.y?.path ?? cfg.x.path, pairing: plan.pairing, partRows: cfg.compute.shard_rows,
  };
  t = Date.now();
  if (cfg.method === "exact") {
    runExact(plan, resolved.model, { backend: cfg.compute.backend, k: cfg.modes, top: cfg.top,
      metadataColumns: cfg.metadata_columns, tmpDir: tmpDir });
  } else {
    const runner = await makeRunner(cfg);
    try {
      await runner.run((root: beam.Root) => compareGraph(root, job, plan.shards, plan.yShards));
    } catch (e) {
      // a worker's own error (bad input named by file and row) beats the runner's "job FAILED"
      let recorded: Error | undefined;
      try {
        recorded = recordedFailure(tmpDir);
      } catch {
        // the runner's error is still worth reporting
      }
      throw recorded ?? e;
    } finally {
      await runner.close();
    }
    if (runner.dryRun) {
      // the job request was printed; nothing ran, so there is nothing to publish
      return { outDir: session.out, summary: { dry_run: true }, dryRun: true };
    }
  }
  timings.pipeline_seconds = (Date.now() - t) / 1000;
  t = Date.now();
  const summary = finalize(cfg, plan, resolved, tmpDir, timings);
  timings.finalize_seconds = (Date.now() - t) / 1000;
  storeWrite(tmpDir, "summary.json", JSON.stringify(summary, null, 2));
  faultPoint("finalize");
  const published = session.commit();
  log(`[done] ${published} (report: ${storeJoin(published, "report.html")})`);
  return { outDir: published, summary: summary };
};

const finalize = (cfg: SpecConfig, plan: RunPlan, resolved: { model: SpecModel; sigmaSource: string; warnings: string[] },
                  tmpDir: string, timings: Record<string, number>): Record<string, unknown> => {
  const sol = JSON.parse(storeReadText(tmpDir, "solution.json")) as SolutionJson;
  for (const side of [["positive", "+", sol.kp], ["negative", "-", sol.kn]] as const) {
    if (side[2] < cfg.modes) {
      process.stderr.write(`[solve] note: only ${side[2]} ${side[0]} eigenvalue(s) beyond the tolerance ` +
        `${sol.eigenvalue_tolerance.toExponential(2)} exist; reporting ${side[2]} of the ${cfg.modes} ${side[1]}modes requested\n`);
    }
  }
  const partFiles = nameScoreParts(tmpDir);
  if (plan.pairing === "by_row" && partFiles.length !== plan.shards.length) {
    throw new Error(`the score pass wrote ${partFiles.length} part file(s), expected ${plan.shards.length}`);
  }
  const scoreTiming = { rows: 0, score_seconds: 0, write_seconds: 0 };
  for (const f of storeList(tmpDir, "timings")) {
    const t = JSON.parse(storeReadText(tmpDir, `timings/${f}`)) as typeof scoreTiming;
    scoreTiming.rows += t.rows;
    scoreTiming.score_seconds += t.score_seconds;
    scoreTiming.write_seconds += t.write_seconds;
  }
  storeRemove(tmpDir, "timings");
  if (scoreTiming.rows !== sol.n) throw new Error(`the score pass scored ${scoreTiming.rows} rows, the Gram pass ${sol.n}`);
  const tops: Record<string, Candidate[]> = {};
  const topFiles = new Set(storeList(tmpDir, "top"));
  for (const m of sol.modes) {
    if (!topFiles.has(`${m}.json`)) throw new Error(`the score pass produced no top samples for mode ${m}`);
    tops[m] = JSON.parse(storeReadText(tmpDir, `top/${m}.json`)) as Candidate[];
  }
  storeRemove(tmpDir, "top");
  storeRemove(tmpDir, "solution.json");

  // eigenvalues.parquet: rank +1..+k, -1..-k (and the full spectrum when it was computed)
  writeParquet(storeFile(tmpDir, "eigenvalues.parquet"), [
    { name: "mode", type: "string", values: sol.modes },
    { name: "side", type: "string", values: sol.modes.map((m) => (m[0] === "+" ? "x_minus_y" : "y_minus_x")) },
    { name: "rank", type: "int32", values: sol.modes.map((m) => Number(m.slice(1))) },
    { name: "eigenvalue", type: "double", values: Float64Array.from(sol.eigenvalues) },
  ]);
  const metaCols = cfg.metadata_columns;
  const rows: { mode: string; rank: number; c: Candidate }[] = [];
  for (const m of sol.modes) tops[m].forEach((c, i) => rows.push({ mode: m, rank: i + 1, c: c }));
  writeParquet(storeFile(tmpDir, "top_samples.parquet"), [
    { name: "mode", type: "string", values: rows.map((r) => r.mode) },
    { name: "rank", type: "int32", values: rows.map((r) => r.rank) },
    { name: "id", type: "string", values: rows.map((r) => r.c.id) },
    { name: "row", type: "int64", values: rows.map((r) => r.c.row) },
    { name: "score", type: "double", values: Float64Array.from(rows.map((r) => r.c.score)) },
    ...metaCols.map((c) => ({ name: c, type: metaColumnType(rows.map((r) => r.c.metadata[c])),
      values: rows.map((r) => r.c.metadata[c]) })),
  ]);

  const m = resolved.model;
  const summary: Record<string, unknown> = {
    tool: { name: "spec-beam", version: packageVersion("spec-beam"), apache_beam: packageVersion("apache-beam"),
      node: process.version },
    name: cfg.name,
    config: cfg,
    config_hash: configHash(cfg),
    seed: cfg.seed,
    prng: PRNG_DESCRIPTION,
    backend: sol.backend,
    runner: runnerDescription(cfg),
    n: sol.n,
    dims: { x: plan.x.dim, y: plan.y.dim },
    features: { DX: sol.DX, DY: sol.DY, M: sol.M },
    kernel: { type: cfg.kernel.type, sigma_x: m.x.sigma, sigma_y: m.y.sigma, sigma_source: resolved.sigmaSource,
      bandwidth_warnings: resolved.warnings,
      rff: cfg.kernel.type === "gaussian" ? cfg.kernel.rff : null, share_omegas: cfg.kernel.share_omegas,
      // with the float32 projection: the points the rows were centred on (the features do not depend on them, their
      // rounding does; recorded so that the run can be recomputed exactly)
      projection: cfg.kernel.type === "gaussian" ? cfg.compute.projection : null,
      projection_center_x: m.x.center ?? null, projection_center_y: m.y.center ?? null },
    eta: cfg.eta,
    method: cfg.method,
    modes: sol.k,
    modes_requested: cfg.modes,
    modes_reported: { positive: sol.kp, negative: sol.kn },
    eigenvalue_tolerance: sol.eigenvalue_tolerance,
    eigenvalues: { positive: sol.positive, negative: sol.negative },
    spectrum: { values: sol.spectrum, complete: sol.spectrum_complete },
    null_modes: sol.null_modes,
    spec_diff: sol.spec_diff,
    diagnostics: sol.diagnostics,
    counters: { rows: sol.n, shards: sol.gram.shards, blocks: sol.gram.blocks, score_parts: partFiles.length },
    timings: {
      ...timings,
      gram_read_seconds: sol.gram.read_seconds,
      gram_feature_seconds: sol.gram.feature_seconds,
      gram_syrk_seconds: sol.gram.syrk_seconds,
      solve_seconds: sol.solve_seconds,
      score_seconds: scoreTiming.score_seconds,
      score_write_seconds: scoreTiming.write_seconds,
    },
    outputs: { eigenvalues: "eigenvalues.parquet", scores: "scores/part-*.parquet",
      score_columns: Object.fromEntries(sol.modes.map((mm) => [mm, mm[0] === "+" ? `score_p${mm.slice(1)}` : `score_n${mm.slice(1)}`])),
      top_samples: "top_samples.parquet", report: "report.html" },
  };
  const xName = cfg.x.column ?? path.basename(cfg.x.path);
  const yName = cfg.y?.column ?? path.basename(cfg.y?.path ?? "y");
  const html = renderReport({
    title: cfg.name,
    xName: xName,
    yName: yName,
    facts: [
      ["samples (n)", String(sol.n)],
      ["X", `${xName}: ${plan.x.dim}-d, ${cfg.x.path}`],
      ["Y", `${yName}: ${plan.y.dim}-d, ${cfg.y?.path ?? cfg.x.path}`],
      ["kernel", cfg.kernel.type === "gaussian"
        ? `gaussian, sigma_x = ${m.x.sigma.toPrecision(4)}, sigma_y = ${m.y.sigma.toPrecision(4)} (${resolved.sigmaSource}); ${cfg.kernel.rff} random Fourier frequencies per embedding`
        : "cosine (exact features)"],
      ["eta", String(cfg.eta)],
      ["method", `${cfg.method}; M = ${sol.M} features; backend ${sol.backend.name}`],
      ["seed", `${cfg.seed} (${PRNG_DESCRIPTION})`],
      ["runner", runnerDescription(cfg)],
      ["config hash", configHash(cfg)],
      ["wall time", `${(timings.pipeline_seconds ?? 0).toFixed(1)} s pipeline`],
    ],
    positive: sol.positive,
    negative: sol.negative,
    specDiff: sol.spec_diff,
    diagnostics: [
      ["top eigenvalues of C_XX", sol.diagnostics.top_eigenvalues_cxx.map((v) => v.toFixed(4)).join(", ")],
      ["top eigenvalues of C_YY", sol.diagnostics.top_eigenvalues_cyy.map((v) => v.toFixed(4)).join(", ")],
      ["trace(Gamma) vs 1 - eta", `${sol.diagnostics.trace_gamma.toFixed(6)} vs ${sol.diagnostics.trace_expected.toFixed(6)}`],
    ],
    modes: sol.modes.map((mm, j) => ({
      mode: mm,
      eigenvalue: sol.eigenvalues[j],
      samples: tops[mm].map((c, i) => ({ rank: i + 1, id: c.id, score: c.score, metadata: c.metadata })),
    })),
    imageColumn: cfg.report.image_column,
    labelColumn: cfg.report.label_column,
    samplesShown: cfg.report.samples_shown,
  });
  storeWrite(tmpDir, "report.html", html);
  return summary;
};

export { runCompare, CompareResult, gramSigma };
