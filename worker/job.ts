// What every worker needs to know about a run: small plain data, captured by the DoFns and shipped to workers.
// Nothing large (no omegas, no rows): workers regenerate omegas from the seed and read rows from the shard paths.
import type { SpecModel } from "../method/model";
import type { SourceOptions } from "../shards/shard";

interface JobSpec {
  model: SpecModel;
  xOpts: SourceOptions;
  yOpts: SourceOptions;
  backend: "auto" | "native" | "portable";
  threads: number;
  blockRows: number;
  tile: number;
  method: "cholesky" | "direct";
  /** the eigensolver of method cholesky (method/solver.ts) */
  solver: "auto" | "full" | "lanczos";
  modes: number;
  top: number;
  /** the run's temporary directory; published to the output directory only when the run succeeds */
  tmpDir: string;
  n: number;
  shards: number;
  /** name the inputs in id errors */
  idSource: string;
  xSource: string;
  ySource: string;
  pairing: "by_row" | "by_id";
  /** rows per score part file when rows arrive from the by_id join */
  partRows: number;
  /** solve again on each half of the frequencies for the report's random-feature error (report.rff_check) */
  rffCheck?: boolean;
  /** the report's label column (carried into the map's sample), if any */
  labelColumn?: string;
  /** print progress lines on stderr */
  progress: boolean;
}

/** Keys of the Gram-pass elements: "t:<bi>:<bj>" tiles of the upper triangle and one "meta" vector. */
const tileKey = (bi: number, bj: number): string => `t:${bi}:${bj}`;
const META_KEY = "meta";

/** Layout of the meta vector that travels with the tiles (summed like them). */
const META = { n: 0, shards: 1, readSeconds: 2, featureSeconds: 3, syrkSeconds: 4, blocks: 5, colSum: 6 } as const;

export { JobSpec, tileKey, META_KEY, META };
