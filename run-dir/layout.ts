// The run's working directory is the only channel from the workers to the driver (workers cannot update driver
// variables, and every runner can reach a shared directory or bucket). This file is that contract: the names of
// what workers write and the JSON shapes the driver reads back. Workers (worker/) and the exact method
// (pipelines/exact-run.ts) write through run-dir/; the driver's finalize step (pipelines/finalize.ts) reads through it.
import type { Scalar } from "../io/parquet-flat";
import type { backendInfo } from "../linalg/index";

/** A metadata cell carried from the input into the outputs. */
type MetaValue = Scalar;

/**
 * Intermediate entries (removed before publishing) and the published outputs, relative to the run directory.
 * The published names are also the README's "Outputs" section.
 */
const RUN_FILES = {
  solution: "solution.json",
  scoresDir: "scores",
  topDir: "top",
  timingsDir: "timings",
  failuresDir: "failures",
  summary: "summary.json",
  report: "report.html",
  eigenvalues: "eigenvalues.parquet",
  topSamples: "top_samples.parquet",
  scoresGlob: "scores/part-*.parquet",
} as const;

/** What the solve step (or the exact method) hands to finalize: the spectrum, SPEC-diff and the diagnostics. */
interface SolutionJson {
  n: number;
  M: number;
  DX: number;
  DY: number;
  k: number;
  /** modes reported of each sign (<= k: only eigenvalues beyond the tolerance count; method/mode-signs.ts) */
  kp: number;
  kn: number;
  eigenvalue_tolerance: number;
  modes: string[];
  eigenvalues: number[];
  positive: number[];
  negative: number[];
  spectrum: number[];
  spectrum_complete: boolean;
  null_modes: string[];
  spec_diff: { two_sided: number; x_minus_y: number; y_minus_x: number };
  diagnostics: { top_eigenvalues_cxx: number[]; top_eigenvalues_cyy: number[]; trace_gamma: number;
    trace_expected: number; trace_error: number; cholesky_eps: number };
  backend: ReturnType<typeof backendInfo>;
  gram: { shards: number; blocks: number; read_seconds: number; feature_seconds: number; syrk_seconds: number };
  col_sum_check: number;
  solve_seconds: number;
}

/** One of a mode's top samples. */
interface Candidate {
  id: string;
  row: number;
  score: number;
  metadata: Record<string, MetaValue>;
}

/** Per score bundle; finalize sums them for summary.json's timings. */
interface ScoreTiming {
  rows: number;
  score_seconds: number;
  write_seconds: number;
}

/** A worker's error as the driver rethrows it. */
interface RecordedFailure {
  name: string;
  message: string;
}

/** Mode names: +1..+kp (X clusters more than Y), then -1..-kn (Y more than X). */
const modeNames = (kp: number, kn: number): string[] => {
  const out: string[] = [];
  for (let j = 0; j < kp; j++) out.push(`+${j + 1}`);
  for (let j = 0; j < kn; j++) out.push(`-${j + 1}`);
  return out;
};

/** Column names of the score files: score_p1..score_pk (modes +1..+k), score_n1..score_nk (modes -1..-k). */
const scoreColumn = (mode: string): string => (mode[0] === "+" ? `score_p${mode.slice(1)}` : `score_n${mode.slice(1)}`);

/** The published part-file name of part i of total. */
const scorePartName = (i: number, total: number): string =>
  `part-${String(i).padStart(5, "0")}-of-${String(total).padStart(5, "0")}.parquet`;

/** by_id parts are named per bundle (their number is known only at the end); finalize renames them. */
const JOINED_PART_PREFIX = "part-join-";

export { RUN_FILES, SolutionJson, Candidate, ScoreTiming, RecordedFailure, MetaValue, modeNames, scoreColumn,
  scorePartName, JOINED_PART_PREFIX };
