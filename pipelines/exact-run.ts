// `--method exact`: the n x n oracle (method/exact.ts) for small n, run on the driver. It reads every row into one
// process by design, so it refuses n above EXACT_MAX_N. It writes the same intermediate entries as the Beam job,
// through the same run-dir/ writers, so that one finalize step (pipelines/finalize.ts) produces the same outputs.
import { getBackend, backendInfo } from "../linalg/index";
import { exactSpec, kernelMatrix, ExactKernel } from "../method/exact";
import { specDiff } from "../method/specdiff";
import type { SpecModel, SideModel } from "../method/model";
import { readShard } from "../shards/read";
import { readIdsFile } from "../io/source";
import type { RunPlan } from "./plan";
import { PlanError } from "./plan";
import { Candidate, MetaValue, modeNames, SolutionJson } from "../run-dir/layout";
import { writePartsManifest, writeSolution, writeTop } from "../run-dir/files";
import { writeScorePart } from "../run-dir/score-part";
import { selectModes } from "../method/mode-signs";

/** n x n doubles, a few copies: 4,000 rows is ~0.5 GB and an eigensolve of seconds. */
const EXACT_MAX_N = 4000;

const kernelOf = (s: SideModel): ExactKernel =>
  s.kernel === "cosine" ? { kernel: "cosine" } : { kernel: "gaussian", sigma: s.sigma };

const topEigen = (K: Float64Array, n: number, k: number): number[] => {
  const b = getBackend("auto");
  const A = K.map((v) => v / n);
  const r = b.eighRange(A, n, n - Math.min(k, n), n - 1);
  return Array.from(r.values).reverse();
};

const runExact = (plan: RunPlan, model: SpecModel, opts: { backend: "auto" | "native" | "portable"; k: number;
  top: number; metadataColumns: string[]; tmpDir: string }): void => {
  const t0 = Date.now();
  if (plan.pairing !== "by_row") throw new PlanError("method exact needs pairing by_row");
  if (plan.n > EXACT_MAX_N) {
    throw new PlanError(`method exact builds the n x n kernel matrices on one process and is limited to n <= ` +
      `${EXACT_MAX_N}; this input has n = ${plan.n}: use method cholesky`);
  }
  const n = plan.n;
  const dX = plan.x.dim;
  const dY = plan.y.dim;
  const X = new Float64Array(n * dX);
  const Y = new Float64Array(n * dY);
  const ids: string[] = [];
  const meta: Record<string, MetaValue[]> = {};
  for (const c of opts.metadataColumns) meta[c] = [];
  for (const shard of plan.shards) {
    const r = readShard(shard, plan.x.options, plan.y.options, readIdsFile);
    X.set(r.x, shard.globalStart * dX);
    Y.set(r.y, shard.globalStart * dY);
    for (let i = 0; i < r.rows; i++) ids.push(r.ids[i]);
    for (const c of opts.metadataColumns) for (const v of r.metadata[c]) meta[c].push(v);
  }
  const backend = getBackend(opts.backend);
  const ex = exactSpec(backend, X, Y, n, dX, dY, kernelOf(model.x), kernelOf(model.y), model.eta);
  const k = Math.min(opts.k, Math.floor(n / 2));
  const top: number[] = [];
  const bottom: number[] = [];
  for (let j = 0; j < k; j++) top.push(j);
  for (let j = 0; j < k; j++) bottom.push(n - 1 - j);
  const diff = specDiff(top.concat(bottom).map((c) => ex.values[c]));
  const sel = selectModes(top.map((c) => ex.values[c]), bottom.map((c) => ex.values[c]), 0);
  const cols = sel.positive.map((j) => top[j]).concat(sel.negative.map((j) => bottom[j]));
  const names = modeNames(sel.positive.length, sel.negative.length);
  const values = cols.map((c) => ex.values[c]);
  const KX = kernelMatrix(X, n, dX, kernelOf(model.x));
  const KY = kernelMatrix(Y, n, dY, kernelOf(model.y));
  let trX = 0;
  let trY = 0;
  for (let i = 0; i < n; i++) {
    trX += KX[i * n + i] / n;
    trY += KY[i * n + i] / n;
  }
  const solution: SolutionJson = {
    n: n, M: n, DX: n, DY: n, k: k, kp: sel.positive.length, kn: sel.negative.length,
    eigenvalue_tolerance: sel.tolerance, modes: names, eigenvalues: values,
    positive: values.slice(0, sel.positive.length), negative: values.slice(sel.positive.length),
    spectrum: Array.from(ex.values), spectrum_complete: true, null_modes: [],
    spec_diff: { two_sided: diff.twoSided, x_minus_y: diff.xMinusY, y_minus_x: diff.yMinusX },
    diagnostics: { top_eigenvalues_cxx: topEigen(KX, n, 5), top_eigenvalues_cyy: topEigen(KY, n, 5),
      trace_gamma: trX - model.eta * trY, trace_expected: 1 - model.eta, trace_error: Math.abs(trX - model.eta * trY - (1 - model.eta)),
      cholesky_eps: 0 },
    backend: backendInfo(backend),
    gram: { shards: plan.shards.length, blocks: 0, read_seconds: 0, feature_seconds: 0, syrk_seconds: 0 },
    col_sum_check: 0,
    solve_seconds: (Date.now() - t0) / 1000,
  };
  writeSolution(opts.tmpDir, solution);
  // scores: the eigenvector entries themselves
  const K = names.length;
  const scores = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let j = 0; j < K; j++) scores[i * K + j] = ex.vectors[i * n + cols[j]];
  const scoreOf = (j: number, i: number): number => scores[i * K + j];
  const part = "exact-00000.parquet";
  writeScorePart(opts.tmpDir, part, { rows: n, ids: ids, rowIndex: (i) => i, metadata: meta },
    opts.metadataColumns, names, scores);
  // the whole input is one part, standing for every shard of the plan
  writePartsManifest(opts.tmpDir, [{ file: part, shard: null, rows: n, score_seconds: 0, write_seconds: 0 }]);
  names.forEach((m, j) => {
    const order = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => scoreOf(j, b) - scoreOf(j, a) || a - b)
      .slice(0, opts.top);
    const cands: Candidate[] = order.map((i) => {
      const md: Record<string, MetaValue> = {};
      for (const c of opts.metadataColumns) md[c] = meta[c][i];
      return { id: ids[i], row: i, score: scoreOf(j, i), metadata: md };
    });
    writeTop(opts.tmpDir, m, JSON.stringify(cands));
  });
};

export { runExact, EXACT_MAX_N };
