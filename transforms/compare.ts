// The compare job graph (docs/design.md, "Data flow"), as four composites:
//   [join (by_id only)] -> gram pass -> solve -> score pass
// Shard descriptors (or joined rows) go in; Gram partial tiles travel as bytes and are summed per tile; one worker
// solves; the eigenvectors reach the score pass as a side input. Results land as files in job.tmpDir
// (run-dir/layout.ts), because workers cannot update driver variables.
import * as beam from "apache-beam";
import type { JobSpec } from "../worker/job";
import type { ShardDesc } from "../shards/shard";
import { registerWorkerModules } from "../beam-runtime/register";
import { joinById } from "./join";
import { gramPass, RowsInput } from "./gram-pass";
import { solve } from "./solve";
import { scorePass } from "./score-pass";

const compareGraph = (root: beam.Root, job: JobSpec, shards: ShardDesc[], yShards: ShardDesc[]): void => {
  registerWorkerModules();
  const rows: RowsInput = job.pairing === "by_id"
    ? root.apply(beam.withName("join", joinById(job, shards, yShards)))
    : root.apply(beam.withName("plan-shards", beam.create(shards)));
  const tiles = rows.apply(beam.withName("gram-pass", gramPass(job)));
  const solution = tiles.apply(beam.withName("solve", solve(job)));
  rows.apply(beam.withName("score-pass", scorePass(job, solution)));
};

export { compareGraph };
