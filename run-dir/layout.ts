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
  pendingDir: "scores-pending",
  partsManifest: "parts.json",
  topDir: "top",
  failuresDir: "failures",
  summary: "summary.json",
  report: "report.html",
  eigenvalues: "eigenvalues.parquet",
  topSamples: "top_samples.parquet",
  map: "map.parquet",
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
    trace_expected: number; trace_error: number; cholesky_eps: number;
    /**
     * the eigenvalues solved again on each half of the random frequencies (method/rff-halves.ts) and the error
     * estimate |a - b| / 2 per rank; null without random features
     */
    rff_halves?: { positive: [number[], number[]]; negative: [number[], number[]]; positive_error: number[];
      negative_error: number[]; seconds: number } | null;
    /** which eigensolver ran (method/solver.ts EigenSolver) and, for lanczos, its cycles, products and residual */
    eigensolver?: { used: string; cycles?: number; products?: number; residual?: number; fell_back?: boolean } };
  backend: ReturnType<typeof backendInfo>;
  gram: { shards: number; blocks: number; read_seconds: number; feature_seconds: number; syrk_seconds: number };
  col_sum_check: number;
  solve_seconds: number;
  /** the eigenproblem alone, and the report's extras (diagnostics, RFF halves, map axes, CKA) */
  eigen_seconds?: number;
  extras_seconds?: { all: number; rff_halves: number; map_axes_and_cka: number };
  /** kernel CKA of the two embeddings from the same C (method/cka.ts); absent for the exact method */
  cka?: number;
  /** the variance along each map axis (method/kernel-pca.ts); null when there is no map */
  map_axes?: { x_variance: number[]; y_variance: number[] } | null;
}

/**
 * The report map's coordinates, extra columns of every score part: each row's first two kernel-PCA coordinates
 * under X and under Y (method/kernel-pca.ts).
 */
const MAP_COLUMNS = ["map_x1", "map_x2", "map_y1", "map_y2"];

/** One row of the report map's sample (worker/map-sample.ts). */
interface MapPoint {
  id: string;
  row: number;
  /** the row's hash: the sample is the rows with the smallest */
  h: number;
  /** map coordinates [x1, x2, y1, y2] (MAP_COLUMNS) */
  c: number[];
  /** the row's score in each mode, in mode order */
  s: number[];
  /** the label column's value, when there is one */
  l?: string | number | boolean | null;
}

/** One of a mode's top samples. */
interface Candidate {
  id: string;
  row: number;
  score: number;
  metadata: Record<string, MetaValue>;
}

/** Summed over the committed parts for summary.json's timings. */
interface ScoreTiming {
  rows: number;
  score_seconds: number;
  write_seconds: number;
}

/**
 * One score part as its writer reports it through the pipeline (not through the file system): only the parts of
 * bundles whose output the runner kept reach the manifest, so a retried bundle's first attempt (a killed worker,
 * a failed-over TaskManager) leaves at most an unlisted file in the pending directory, which commit removes.
 */
interface PartRecord extends ScoreTiming {
  /** the file's name in the pending directory (unique per bundle attempt) */
  file: string;
  /** pairing by_row: the shard it holds (its published name follows from it); by_id: null */
  shard: number | null;
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

/** Keys of the score pass's part records among its per-mode top lists. */
const PART_KEY_PREFIX = "part:";

export { RUN_FILES, MAP_COLUMNS, MapPoint, SolutionJson, Candidate, ScoreTiming, PartRecord, RecordedFailure, MetaValue, modeNames, scoreColumn,
  scorePartName, PART_KEY_PREFIX };
