// `make bench`: the compare pipeline on synthetic embeddings shaped like real ones (768-d vs 1024-d, clusters),
// printed as ONE JSON object: per-stage wall time, the Gram stage's rate (n M^2 / t) next to the raw native SYRK
// rate measured in the same run on the same shapes, their ratio, peak RSS, n, M, backend, threads, OpenBLAS core.
//
//   node dist/bench/pipeline.js [--n 20000] [--dx 768] [--dy 1024] [--rff 1000] [--files 4] [--precision float32|float64 (default float32, as compare)]
//                               [--projection float64] [--block-rows 2048] [--runner direct] [--data DIR] [--imagenet]
//                               [--solver auto|full|lanczos]
// The default is the feature shape of the ImageNet case (rff 1000 per side, M = 4000) on 20,000 rows (~15 s);
// --imagenet = --n 1281167 --rff 1000 --files 64 (the ImageNet-train shape of issue 5). Data is generated once per
// shape under .cache/bench-data/ (or --data) and reused.
import "./openblas-env";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthesize } from "../test/data/synth";
import { resolveConfig } from "../configs/load";
import { runCompare } from "../pipelines/compare";
import { backendInfo, getBackend } from "../linalg/index";

interface BenchOptions {
  n: number;
  dx: number;
  dy: number;
  rff: number;
  files: number;
  precision: "float64" | "float32";
  /** absent: the config's default */
  projection?: "float64" | "float32";
  blockRows: number;
  runner: string;
  data?: string;
  /** absent: the config's default (auto) */
  solver?: "auto" | "full" | "lanczos";
}

const parse = (argv: string[]): BenchOptions => {
  const o: BenchOptions = { n: 20000, dx: 768, dy: 1024, rff: 1000, files: 4, precision: "float32",
    blockRows: 2048,
    runner: "direct" };
  const num = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new Error(`bench: ${flag} needs a positive integer, got '${v}'`);
    return x;
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    const v = argv[i + 1];
    i += a === "--imagenet" ? 1 : 2;
    if (a === "--imagenet") {
      o.n = 1281167;
      o.rff = 1000;
      o.files = 64;
    } else if (a === "--n") o.n = num(a, v);
    else if (a === "--dx") o.dx = num(a, v);
    else if (a === "--dy") o.dy = num(a, v);
    else if (a === "--rff") o.rff = num(a, v);
    else if (a === "--files") o.files = num(a, v);
    else if (a === "--block-rows") o.blockRows = num(a, v);
    else if (a === "--precision" && (v === "float64" || v === "float32")) o.precision = v;
    else if (a === "--projection" && (v === "float64" || v === "float32")) o.projection = v;
    else if (a === "--runner" && v !== undefined) o.runner = v;
    else if (a === "--data" && v !== undefined) o.data = v;
    else if (a === "--solver" && (v === "auto" || v === "full" || v === "lanczos")) o.solver = v;
    else throw new Error(`bench: unknown or malformed flag ${a}`);
  }
  return o;
};

/**
 * Raw native SYRK of blocks of the pipeline's shape (blockRows x M): the ceiling. Three windows of ~1.5 s, each
 * giving the median rate of its calls; the ceiling is the best window. One window of a few calls moved by up to 2x
 * between runs on this shared VM (a neighbour's burst), which made the ratios meaningless.
 */
const rawSyrkRate = (M: number, rows: number, precision: BenchOptions["precision"]): { rate: number; windows: number[] } => {
  const b = getBackend("auto");
  const a = precision === "float32" ? new Float32Array(rows * M) : new Float64Array(rows * M);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.618) * 0.1;
  const acc = new Float64Array(M * M);
  b.syrkAccumulate(acc, a, rows, M); // warm-up (and first touch of acc)
  const windows: number[] = [];
  for (let w = 0; w < 3; w++) {
    const rates: number[] = [];
    const start = process.hrtime.bigint();
    while (rates.length < 3 || Number(process.hrtime.bigint() - start) / 1e9 < 1.5) {
      const t0 = process.hrtime.bigint();
      b.syrkAccumulate(acc, a, rows, M);
      rates.push((rows * M * M) / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e9);
    }
    rates.sort((x, y) => x - y);
    windows.push(rates[Math.floor(rates.length / 2)]);
  }
  return { rate: Math.max(...windows), windows: windows };
};

const main = async (): Promise<void> => {
  const o = parse(process.argv.slice(2));
  const dataDir = o.data ?? path.join(__dirname, "..", "..", ".cache", "bench-data",
    `n${o.n}-dx${o.dx}-dy${o.dy}-f${o.files}`);
  let genSeconds = 0;
  if (!fs.existsSync(path.join(dataDir, "y"))) {
    const t = Date.now();
    synthesize({ out: dataDir, n: o.n, dx: o.dx, dy: o.dy, clusters: 20, merges: 3, noise: 25, files: o.files,
      seed: 1, format: "parquet", compression: "none", overwrite: true });
    genSeconds = (Date.now() - t) / 1000;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "spec-beam-bench-"));
  const cfg = resolveConfig({ flags: {
    "x.path": path.join(dataDir, "x"), "x.column": "embedding", "x.id_column": "id",
    "y.path": path.join(dataDir, "y"), "y.column": "embedding", "y.id_column": "id",
    "kernel.rff": o.rff, "kernel.sigma_x": "auto", "kernel.sigma_y": "auto", "modes": 10, "top": 50,
    "compute.precision": o.precision,
    ...(o.projection ? { "compute.projection": o.projection } : {}), "compute.block_rows": o.blockRows, "runner.type": o.runner,
    ...(o.solver ? { "compute.solver": o.solver } : {}),
    "out": path.join(out, "run"),
  } });
  const loadStart = os.loadavg();
  const t0 = Date.now();
  const res = await runCompare(cfg);
  const wall = (Date.now() - t0) / 1000;
  const s = res.summary as { n: number; features: { M: number }; backend: Record<string, unknown>;
    timings: Record<string, number> & { solve_extras_seconds?: unknown }; eigenvalues: { positive: number[]; negative: number[] };
    kernel: { sigma_x: number; sigma_y: number; projection: string | null };
    diagnostics: { top_eigenvalues_cxx: number[]; top_eigenvalues_cyy: number[]; cholesky_eps: number;
      eigensolver?: Record<string, unknown> } };
  const tm = s.timings;
  const M = s.features.M;
  const flops = s.n * M * M;
  const gramStage = tm.gram_read_seconds + tm.gram_feature_seconds + tm.gram_syrk_seconds;
  // before the raw measurement allocates its own M x M accumulator
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const rawMeasured = rawSyrkRate(M, o.blockRows, o.precision);
  const raw = rawMeasured.rate;
  const gramRate = flops / tm.gram_syrk_seconds / 1e9;
  const result = {
    bench: "pipeline",
    n: s.n, dx: o.dx, dy: o.dy, rff: o.rff, M: M, files: o.files, runner: o.runner, precision: o.precision,
    projection: s.kernel.projection, block_rows: o.blockRows,
    backend: s.backend, openblas_coretype_env: process.env.OPENBLAS_CORETYPE ?? "(unset: detected)",
    threads: backendInfo(getBackend("auto")).threads ?? 1,
    seconds: {
      data_generation: genSeconds,
      end_to_end: wall,
      plan: tm.plan_seconds,
      pipeline: tm.pipeline_seconds,
      gram_read: tm.gram_read_seconds,
      gram_features: tm.gram_feature_seconds,
      gram_syrk: tm.gram_syrk_seconds,
      solve: tm.solve_seconds,
      // of which the SPEC eigenproblem alone, and the report's extras (RFF halves, map axes, diagnostics, CKA)
      solve_eigen: tm.solve_eigen_seconds ?? null,
      solve_extras: tm.solve_extras_seconds ?? null,
      score: tm.score_seconds,
      score_write: tm.score_write_seconds,
      finalize: tm.finalize_seconds ?? null,
    },
    gflops: {
      gram_syrk: gramRate,
      gram_stage: flops / gramStage / 1e9,
      raw_syrk_same_shape: raw,
      raw_syrk_windows: rawMeasured.windows,
      ratio_gram_syrk_to_raw: gramRate / raw,
      ratio_gram_stage_to_raw: flops / gramStage / 1e9 / raw,
    },
    // the Gram pass's n M^2 at the raw SYRK rate (same precision, same run) over the whole run: 1 would mean the
    // run costs no more than its covariance's SYRK alone
    ratio_end_to_end_to_raw: flops / (raw * 1e9) / wall,
    solve_share: tm.solve_seconds / wall,
    eigensolver: s.diagnostics.eigensolver ?? null,
    peak_rss_mb: peakRssMb,
    // other work on the machine: 1/5/15-minute load averages before and after the run
    load_average: { start: loadStart, end: os.loadavg() },
    // to compare runs (e.g. --precision float32 against float64 on the same cached data)
    sigma: { x: s.kernel.sigma_x, y: s.kernel.sigma_y },
    eigenvalues: s.eigenvalues,
    diagnostics: { top_cxx: s.diagnostics.top_eigenvalues_cxx, top_cyy: s.diagnostics.top_eigenvalues_cyy,
      cholesky_eps: s.diagnostics.cholesky_eps },
  };
  fs.rmSync(out, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
