// The driver's last step: read back what the workers (or the exact method) left in the run directory
// (run-dir/layout.ts), check that nothing was lost, and write the published outputs: eigenvalues.parquet,
// top_samples.parquet, summary.json and report.html. The score parts stay where the workers wrote them.
import * as fs from "fs";
import * as path from "path";
import type { SpecConfig } from "../configs/schema";
import { configHash } from "../configs/load";
import type { RunPlan } from "./plan";
import type { ResolvedModel } from "./resolve-model";
import { writeParquet } from "../io/parquet-write";
import { storeFile, storeWrite } from "../io/run-store";
import { Candidate, MAP_COLUMNS, MapPoint, RUN_FILES, scoreColumn, ScoreTiming, SolutionJson } from "../run-dir/layout";
import { commitScoreParts, readMapSample, readSolution, readTops, removeIntermediates } from "../run-dir/files";
import { metaColumnType } from "../run-dir/score-part";
import { renderReport } from "../report/html";
import { runnerDescription } from "../beam-runtime/runners";
import { packageVersion } from "./versions";
import { modeDigests, ModeDigest } from "../report/mode-digest";
import { adviceFor } from "../report/advice";
import { runTightness, RunTightness } from "./tightness-run";
import type { SideModel } from "../method/model";

const PRNG_DESCRIPTION = "xoshiro128** seeded by splitmix32 from FNV-1a 32 of \"<seed>:<stream>\" (streams x, y, shared, bandwidth); normals by Box-Muller; see method/prng.ts";

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** What finalize reads back; every count is checked against the Gram pass's, so a lost part is an error. */
interface WorkerOutputs {
  sol: SolutionJson;
  tops: Record<string, Candidate[]>;
  partFiles: string[];
  scoreTiming: ScoreTiming;
  /** the report map's sample (absent for the exact method and for runs too narrow for a map) */
  map?: MapPoint[];
  /** derived once for summary.json, the report and map.parquet */
  digests: ModeDigest[];
  /** the strongest mode of each row of `map` ([] without a map) */
  strongest: { mode: string | null; score: number }[];
}

const readWorkerOutputs = (cfg: SpecConfig, plan: RunPlan, tmpDir: string): WorkerOutputs => {
  const sol = readSolution(tmpDir);
  for (const side of [["positive", "+", sol.kp], ["negative", "-", sol.kn]] as const) {
    if (side[2] < cfg.modes) {
      process.stderr.write(`[solve] note: only ${side[2]} ${side[0]} eigenvalue(s) beyond the tolerance ` +
        `${sol.eigenvalue_tolerance.toExponential(2)} exist; reporting ${side[2]} of the ${cfg.modes} ${side[1]}modes requested\n`);
    }
  }
  // by_row: one part per shard, each exactly once; by_id and the exact method: the parts as written
  const perShard = plan.pairing === "by_row" && cfg.method !== "exact";
  const committed = commitScoreParts(tmpDir, perShard ? plan.shards.length : undefined);
  const partFiles = committed.files;
  const scoreTiming = committed.timing;
  if (scoreTiming.rows !== sol.n) throw new Error(`the score pass scored ${scoreTiming.rows} rows, the Gram pass ${sol.n}`);
  const tops = readTops(tmpDir, sol.modes);
  const map = readMapSample(tmpDir);
  removeIntermediates(tmpDir);
  return { sol: sol, tops: tops, partFiles: partFiles, scoreTiming: scoreTiming, map: map,
    digests: modeDigests(sol.modes, sol.eigenvalues, sol.n, topLabels(cfg, sol.modes, tops)),
    strongest: map ? strongestModes(map, sol.modes, sol.n) : [] };
};

/** eigenvalues.parquet (rank +1..+k, -1..-k) and top_samples.parquet (each mode's best rows with their metadata). */
const writeTables = (cfg: SpecConfig, out: WorkerOutputs, tmpDir: string): void => {
  const sol = out.sol;
  writeParquet(storeFile(tmpDir, RUN_FILES.eigenvalues), [
    { name: "mode", type: "string", values: sol.modes },
    { name: "side", type: "string", values: sol.modes.map((m) => (m[0] === "+" ? "x_minus_y" : "y_minus_x")) },
    { name: "rank", type: "int32", values: sol.modes.map((m) => Number(m.slice(1))) },
    { name: "eigenvalue", type: "double", values: Float64Array.from(sol.eigenvalues) },
  ]);
  const metaCols = cfg.metadata_columns;
  const rows: { mode: string; rank: number; c: Candidate }[] = [];
  for (const m of sol.modes) out.tops[m].forEach((c, i) => rows.push({ mode: m, rank: i + 1, c: c }));
  writeParquet(storeFile(tmpDir, RUN_FILES.topSamples), [
    { name: "mode", type: "string", values: rows.map((r) => r.mode) },
    { name: "rank", type: "int32", values: rows.map((r) => r.rank) },
    { name: "id", type: "string", values: rows.map((r) => r.c.id) },
    { name: "row", type: "int64", values: rows.map((r) => r.c.row) },
    { name: "score", type: "double", values: Float64Array.from(rows.map((r) => r.c.score)) },
    ...metaCols.map((c) => ({ name: c, type: metaColumnType(rows.map((r) => r.c.metadata[c])),
      values: rows.map((r) => r.c.metadata[c]) })),
  ]);
  if (out.map) writeMapTable(cfg, out.map, out.strongest, tmpDir);
};

/**
 * Each sampled row's strongest mode: the one where its score is largest, if that score exceeds 2 / sqrt(n) (a unit
 * vector's entries are ~1 / sqrt(n) in size; a member of a group of g rows scores up to ~1 / sqrt(g)); else null.
 * On the demo this marks 31% of the rows, against groups whose estimated sizes add up to about 25%.
 */
const strongestModes = (points: MapPoint[], modes: string[], n: number): { mode: string | null; score: number }[] =>
  points.map((p) => {
    let best = 0;
    for (let j = 1; j < p.s.length; j++) if (p.s[j] > p.s[best]) best = j;
    const score = p.s[best] ?? NaN;
    return { mode: score > 2 / Math.sqrt(n) ? modes[best] : null, score: score };
  });

/** map.parquet: the report map's sample with its kernel-PCA coordinates, for Embedding Atlas, FiftyOne, DuckDB. */
const writeMapTable = (cfg: SpecConfig, points: MapPoint[], strongest: { mode: string | null; score: number }[],
                       tmpDir: string): void => {
  const coord = (j: number): Float64Array => Float64Array.from(points, (p) => p.c[j]);
  const lab = cfg.report.label_column;
  writeParquet(storeFile(tmpDir, RUN_FILES.map), [
    { name: "id", type: "string", values: points.map((p) => p.id) },
    { name: "row", type: "int64", values: points.map((p) => p.row) },
    { name: "x_pc1", type: "double", values: coord(0) },
    { name: "x_pc2", type: "double", values: coord(1) },
    { name: "y_pc1", type: "double", values: coord(2) },
    { name: "y_pc2", type: "double", values: coord(3) },
    { name: "mode", type: "string", values: strongest.map((s) => s.mode), nullable: true },
    { name: "score", type: "double", values: Float64Array.from(strongest, (s) => s.score) },
    ...(lab !== undefined ? [{ name: lab, type: metaColumnType(points.map((p) => p.l ?? null)),
      values: points.map((p) => p.l ?? null), nullable: points.some((p) => p.l === null || p.l === undefined) }] : []),
  ]);
};

/** Reads the workers' entries, writes the published outputs, returns summary.json's content (written by the caller). */
const finalize = (cfg: SpecConfig, plan: RunPlan, resolved: ResolvedModel, tmpDir: string,
                  timings: Record<string, number>): Record<string, unknown> => {
  const out = readWorkerOutputs(cfg, plan, tmpDir);
  writeTables(cfg, out, tmpDir);
  const t = Date.now();
  const tightness = runTightness(cfg, plan, resolved, out.tops, out.sol.modes);
  timings.tightness_seconds = (Date.now() - t) / 1000;
  const summary = buildSummary(cfg, plan, resolved, out, timings, tightness);
  storeWrite(tmpDir, RUN_FILES.report, buildReport(cfg, plan, resolved, out, timings, tightness));
  return summary;
};

const buildSummary = (cfg: SpecConfig, plan: RunPlan, resolved: ResolvedModel, out: WorkerOutputs,
                      timings: Record<string, number>, tightness: RunTightness | undefined): Record<string, unknown> => {
  const sol = out.sol;
  const partFiles = out.partFiles;
  const scoreTiming = out.scoreTiming;
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
    // what ran in which precision: SYRK inputs (compute.precision), the block sums and the eigenproblem
    precision: { syrk_inputs: m.precision, accumulation: "float64", eigensolver: "float64",
      projection: cfg.kernel.type === "gaussian" ? cfg.compute.projection : null },
    kernel: { type: cfg.kernel.type, sigma_x: m.x.sigma, sigma_y: m.y.sigma, sigma_source: resolved.sigmaSource,
      sigma_checks: resolved.sigmaChecks,
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
    // one similarity number for the pair (1 = the same geometry), from the same Gram matrix: method/cka.ts
    cka: sol.cka ?? null,
    modes_digest: out.digests,
    // mean pairwise exact-kernel similarity of each mode's top samples under X and Y, and of random samples
    tightness: tightness ?? null,
    // the map axes' variances (kernel-PCA eigenvalues of the centred C_XX and C_YY), null without a map
    map_axes: sol.map_axes ?? null,
    diagnostics: sol.diagnostics,
    counters: { rows: sol.n, shards: sol.gram.shards, blocks: sol.gram.blocks, score_parts: partFiles.length },
    timings: {
      ...timings,
      gram_read_seconds: sol.gram.read_seconds,
      gram_feature_seconds: sol.gram.feature_seconds,
      gram_syrk_seconds: sol.gram.syrk_seconds,
      solve_seconds: sol.solve_seconds,
      solve_eigen_seconds: sol.eigen_seconds ?? null,
      solve_extras_seconds: sol.extras_seconds ?? null,
      score_seconds: scoreTiming.score_seconds,
      score_write_seconds: scoreTiming.write_seconds,
    },
    outputs: { eigenvalues: RUN_FILES.eigenvalues, scores: RUN_FILES.scoresGlob,
      score_columns: Object.fromEntries(sol.modes.map((mm) => [mm, scoreColumn(mm)])),
      top_samples: RUN_FILES.topSamples, report: RUN_FILES.report, map: out.map ? RUN_FILES.map : null,
      map_columns: out.map ? MAP_COLUMNS : [] },
  };
  return summary;
};

/** Each mode's top samples' labels (report.label_column), absent without a label column. */
const topLabels = (cfg: SpecConfig, modes: string[], tops: Record<string, Candidate[]>): Record<string, unknown[]> | undefined => {
  const lab = cfg.report.label_column;
  if (lab === undefined) return undefined;
  return Object.fromEntries(modes.map((mm) => [mm, tops[mm].map((c) => c.metadata[lab])]));
};

/** What the report and the end-of-run block call X and Y: the vector column, else the input's file name. */
const sideNames = (cfg: SpecConfig): { x: string; y: string } => ({
  x: cfg.x.column ?? path.basename(cfg.x.path),
  y: cfg.y?.column ?? path.basename(cfg.y?.path ?? "y"),
});

/** The report's line on the random-feature error estimate (absent without random features). */
const halvesRow = (h: SolutionJson["diagnostics"]["rff_halves"]): [string, string][] => {
  if (!h) return [];
  const show = (a: number[], b: number[]): string => a.map((v, j) => `${v.toFixed(4)} / ${(b[j] ?? NaN).toFixed(4)}`).join(", ");
  return [["eigenvalues on two halves of the frequencies", `+: ${show(h.positive[0], h.positive[1])}; ` +
    `-: ${show(h.negative[0], h.negative[1])} (${h.seconds.toFixed(1)} s)`]];
};

/** The report's line on how the eigenpairs were found (absent for the exact method). */
const eigensolverRow = (e: SolutionJson["diagnostics"]["eigensolver"]): [string, string][] => {
  if (!e) return [];
  if (e.used !== "lanczos") return [["eigensolver", `${e.used}${e.fell_back ? " (block Lanczos did not converge)" : ""}`]];
  return [["eigensolver", `block Lanczos: ${e.cycles} cycles, ${e.products} products, residual ` +
    `${(e.residual ?? NaN).toExponential(1)} (spectrum: the reported extremes only)`]];
};

/** report.html: the facts of the run, the spectrum, SPEC-diff, the diagnostics and each mode's top samples. */
const buildReport = (cfg: SpecConfig, plan: RunPlan, resolved: ResolvedModel, out: WorkerOutputs,
                     timings: Record<string, number>, tightness: RunTightness | undefined): string => {
  const sol = out.sol;
  const tops = out.tops;
  const m = resolved.model;
  const xName = sideNames(cfg).x;
  const yName = sideNames(cfg).y;
  const d = sol.diagnostics;
  const side = (name: string, flag: string, sm: SideModel, top: number[]) =>
    ({ name: name, flag: flag, kernel: sm.kernel, sigma: sm.sigma, top: top });
  const advice = adviceFor({
    n: sol.n, rff: cfg.kernel.type === "gaussian" ? cfg.kernel.rff : null,
    sides: [side(`X (${xName})`, "--sigma-x", m.x, d.top_eigenvalues_cxx), side(`Y (${yName})`, "--sigma-y", m.y, d.top_eigenvalues_cyy)],
    traceGamma: d.trace_gamma, traceExpected: d.trace_expected, positive: sol.positive, negative: sol.negative,
    positiveError: d.rff_halves?.positive_error, negativeError: d.rff_halves?.negative_error, warnings: resolved.warnings,
  });
  const html = renderReport({
    title: cfg.name,
    xName: xName,
    yName: yName,
    n: sol.n,
    digests: out.digests,
    map: out.map && sol.map_axes ? {
      rows: out.map.map((p, i) => ({ x: [p.c[0], p.c[1]] as [number, number], y: [p.c[2], p.c[3]] as [number, number],
        mode: out.strongest[i].mode })),
      xVariance: sol.map_axes.x_variance, yVariance: sol.map_axes.y_variance } : undefined,
    tightness: tightness?.modes,
    tightnessRandom: tightness?.random,
    tightnessCounts: tightness?.counts,
    advice: advice,
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
    cka: sol.cka,
    diagnostics: [
      ["top eigenvalues of C_XX", sol.diagnostics.top_eigenvalues_cxx.map((v) => v.toFixed(4)).join(", ")],
      ["top eigenvalues of C_YY", sol.diagnostics.top_eigenvalues_cyy.map((v) => v.toFixed(4)).join(", ")],
      ["trace(Gamma) vs 1 - eta", `${sol.diagnostics.trace_gamma.toFixed(6)} vs ${sol.diagnostics.trace_expected.toFixed(6)}`],
      ...eigensolverRow(sol.diagnostics.eigensolver),
      ...halvesRow(sol.diagnostics.rff_halves),
    ],
    modes: sol.modes.map((mm, j) => ({
      mode: mm,
      eigenvalue: sol.eigenvalues[j],
      samples: tops[mm].map((c, i) => ({ rank: i + 1, id: c.id, score: c.score, metadata: c.metadata })),
    })),
    imageColumn: cfg.report.image_column,
    labelColumn: cfg.report.label_column,
    textColumn: cfg.report.text_column,
    samplesShown: cfg.report.samples_shown,
  });
  return html;
};

export { finalize, sideNames };
