// The single source of truth for a run's configuration: YAML/JSON config files, `--set` overrides and the
// command-line flags are all validated by this schema, and configs/schema.json is generated from it.
import { z } from "zod";

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
/** a bandwidth, "auto" (the median heuristic) or "checked" (the heuristic, moved if the spectrum check fails it) */
const sigma = z.union([z.literal("auto"), z.literal("checked"), positive("sigma")]);

const source = z.strictObject({
  /** a file, a directory, a glob, or gs://bucket/prefix* */
  path: z.string().min(1, "path must not be empty"),
  /** the vector column (Parquet) or array name (.npz) */
  column: z.string().min(1).optional(),
  /** id column (Parquet); absent: ids are row numbers */
  id_column: z.string().min(1).optional(),
  /** one id per line, for .npy/.npz sources */
  ids_file: z.string().min(1).optional(),
});

const kernel = z.strictObject({
  type: z.enum(["gaussian", "cosine"]).default("gaussian"),
  sigma_x: sigma.default("auto"),
  sigma_y: sigma.default("auto"),
  /** random Fourier frequencies per embedding (features = 2 * rff) */
  rff: z.number().int().min(1).max(100000).default(1000),
  /** use the same omegas for X and Y (needs equal dimensions) */
  share_omegas: z.boolean().default(false),
  /** rows sampled for the median-distance bandwidth heuristic */
  auto_sigma_rows: z.number().int().min(10).default(1000),
});

const optionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const runner = z.strictObject({
  type: z.enum(["direct", "flink", "dataflow"]).default("direct"),
  /** flink: "[local]" (a mini-cluster started by the job server) or host:port of a JobManager */
  flink_master: z.string().default("[local]"),
  /** an already running Beam job server (host:port); empty: start one (flink) */
  job_endpoint: z.string().optional(),
  flink_job_server_jar: z.string().optional(),
  /**
   * flink cluster: false submits each job without the job server's ~154 MB classpath, for a cluster that has the
   * runner jars installed (infra/flink/cluster.sh does; infra/README.md, "Flink cluster, step by step")
   */
  stage_runner_jars: z.boolean().default(true),
  parallelism: z.number().int().min(1).optional(),
  /** LOOPBACK: workers in this process; DOCKER: sdk_container_image; PROCESS: process_command on the workers' hosts */
  environment_type: z.enum(["LOOPBACK", "DOCKER", "PROCESS"]).optional(),
  sdk_container_image: z.string().optional(),
  /** PROCESS workers: the SDK boot command (infra/docker/README.md), run by the runner on each worker host */
  process_command: z.string().optional(),
  /** what DOCKER/PROCESS workers get staged: image = nothing (the image holds the project), npm = the SDK's packages */
  staging: z.enum(["image", "npm"]).default("image"),
  /** the job server's artifact directory (flink, when starting one); must be shared with the cluster for staging npm */
  artifacts_dir: z.string().optional(),
  project: z.string().optional(),
  region: z.string().optional(),
  temp_location: z.string().optional(),
  /** extra pipeline options passed verbatim (snake_case keys), e.g. max_num_workers, machine_type */
  pipeline_options: z.record(z.string(), optionValue).default({}),
  /** print the job that would be submitted and stop */
  dry_run: z.boolean().default(false),
});

const compute = z.strictObject({
  backend: z.enum(["auto", "native", "portable"]).default("auto"),
  /** rows per feature/SYRK block inside a shard */
  block_rows: z.number().int().min(1).default(2048),
  /** edge of the square Gram tiles that cross Beam boundaries (2048 -> 32 MiB f64; kept <= 512 by default) */
  tile: z.number().int().min(16).max(1024).default(512),
  /**
   * SYRK input precision; block sums are added into a float64 accumulator and the eigenproblem is float64 either
   * way. float32 (default) runs ssyrk at ~2x the dsyrk rate; measured against float64 on the bench data (n =
   * 20,000) at M = 2,000 / 4,000 / 12,000: reported eigenvalues within 9.8e-9 / 5.3e-9 / 3.8e-9 relative, score
   * vectors within 6.1e-6 / 3.6e-6 / 3.2e-6 rad (moved by the float32 regulariser, method/solver.ts). float64 for bit-level comparisons with float64 references.
   */
  precision: z.enum(["float64", "float32"]).default("float32"),
  /**
   * precision of the random-feature projection X W (gaussian kernel). float32 runs sgemm at ~2x the dgemm rate on
   * rows centred on the plan-time sample mean (so a large common offset does not inflate the rounding); cos/sin and
   * every sum stay float64. Measured against float64 (n = 20,000, M = 4,000): eigenvalues within 1e-8 relative,
   * feature time -40%. float64 gives the features to full double precision.
   */
  projection: z.enum(["float64", "float32"]).default("float32"),
  /**
   * the M x M eigensolver of method cholesky: full (one tridiagonal reduction, all eigenvalues), lanczos (block
   * Lanczos for the 2 x modes reported eigenpairs only, falling back to full), auto (lanczos from M = 3000)
   */
  solver: z.enum(["auto", "full", "lanczos"]).default("auto"),
  /** BLAS threads inside a worker; 0 = library default */
  threads: z.number().int().min(0).default(0),
  /** target rows per shard when a file has no natural chunks */
  shard_rows: z.number().int().min(1).default(50000),
});

const configSchema = z.strictObject({
  x: source,
  /** absent: X and Y are two columns of the same table (y.column given by `y_column`) */
  y: source.partial({ path: true }).optional(),
  pairing: z.enum(["by_row", "by_id"]).default("by_row"),
  metadata_columns: z.array(z.string().min(1)).default([]),
  kernel: kernel.prefault({}),
  eta: positive("eta").default(1),
  method: z.enum(["cholesky", "direct", "exact"]).default("cholesky"),
  /** eigenpairs per side (k positive and k negative modes) */
  modes: z.number().int().min(1).max(200).default(10),
  /** samples listed per mode in top_samples.parquet */
  top: z.number().int().min(1).max(100000).default(50),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  out: z.string().min(1, "out must not be empty"),
  /** replace the spec-beam run already at `out` (anything else there is always refused) */
  overwrite: z.boolean().default(false),
  /** a Parquet file (local or gs://) that gets one row per published run (pipelines/history.ts) */
  history: z.string().min(1).optional(),
  /** with `history`: do nothing when the inputs' fingerprints equal the last recorded run of this config */
  skip_unchanged: z.boolean().default(false),
  name: z.string().default("spec-beam run"),
  report: z.strictObject({
    /** metadata column holding image URIs or data: URIs drawn in report.html */
    image_column: z.string().optional(),
    /** metadata column summarised per mode (label purity) */
    label_column: z.string().optional(),
    /** metadata column of text (captions, titles) shown as cards in each mode's gallery */
    text_column: z.string().optional(),
    samples_shown: z.number().int().min(1).max(200).default(16),
    /**
     * solve again on each half of the random frequencies to estimate each eigenvalue's random-feature error (the
     * report's advice); costs two solves of half the size (M = 4,000: ~1 s)
     */
    rff_check: z.boolean().default(true),
  }).prefault({}),
  compute: compute.prefault({}),
  runner: runner.prefault({}),
  /** `spec-beam align` only (docs/method.md section 6): learn a linear map W so that Y W matches X under SPEC-diff */
  align: z.strictObject({
    /** optimiser steps (minibatches) */
    steps: z.number().int().min(1).max(1000000).default(300),
    /** paired samples per minibatch (the reference uses 512) */
    batch: z.number().int().min(8).max(65536).default(512),
    /**
     * step size, normalised by the dimension: Adam moves every entry of W by about lr / sqrt(dY) per step, so W's
     * operator norm moves by ~lr whatever dY is (an entry step of 0.01 overshot at dY = 1024, 0.001 helped; 0.003
     * worked at dY = 48: all three are lr ~ 0.02-0.03 in this unit)
     */
    lr: positive("align.lr").default(0.02),
    /**
     * weight of ||W - Q||_F^2, Q the orthogonal map nearest to W: free for rotations (harmless under the cosine
     * kernel), a cost for distortions. 0.01 held W away from the planted answer (0.156 -> 0.091), 0.001 does not
     */
    reg: z.number().min(0).default(0.001),
    /** rows loaded for training and evaluation (taken evenly from the shards) */
    max_rows: z.number().int().min(16).default(50000),
    /** rows held out (never trained on) to measure SPEC-diff before and after */
    holdout: z.number().int().min(8).default(2000),
    /**
     * early stopping: every ~steps/30 steps (at least 10) SPEC-diff is measured on a validation quarter of the
     * held-out rows (at most 500); training stops after `patience` measurements without a 1% improvement and keeps
     * the best W. 0: train all `steps` and keep the last W. The reported before/after use the other held-out rows.
     */
    patience: z.number().int().min(0).default(5),
  }).prefault({}),
});

type SpecConfig = z.output<typeof configSchema>;
type SpecConfigInput = z.input<typeof configSchema>;

export { configSchema, SpecConfig, SpecConfigInput };
