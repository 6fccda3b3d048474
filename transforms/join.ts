// pairing by_id: both sides' rows keyed by id, grouped (the join), checked (exactly one row per side and id) and
// emitted as paired rows keyed by id. The paired rows feed both passes.
import * as beam from "apache-beam";
import * as internal from "apache-beam/transforms/internal";
import type { KV } from "apache-beam/values";
import * as worker from "../worker/index";
import type { JobSpec } from "../worker/job";
import type { ShardDesc, SourceOptions } from "../shards/shard";
import { Bytes, bytesCoder } from "./byte-coders";

/** One side's shards read into rows keyed by id (bytes). */
const keyedRows = (root: beam.Root, job: JobSpec, name: string, shards: ShardDesc[], opts: SourceOptions,
                   which: "x" | "y"): beam.PCollection<Bytes> =>
  root
    .apply(beam.withName(`${name}-shards`, beam.create(shards)))
    .apply(beam.withName(`${name}-keyed-rows`, beam.parDo({
      process: function (shard: ShardDesc) {
        return worker.guarded(job.tmpDir, () => worker.keyedRowsOfShard(shard, opts, which));
      },
    })))
    .apply(bytesCoder(`${name}-keyed-rows-coder`)) as beam.PCollection<Bytes>;

/** The composite: X shards and Y shards in, paired rows (key = id) out. */
const joinById = (job: JobSpec, xShards: ShardDesc[], yShards: ShardDesc[]) =>
  (root: beam.Root): beam.PCollection<Bytes> =>
    beam.P([keyedRows(root, job, "x", xShards, job.xOpts, "x"), keyedRows(root, job, "y", yShards, job.yOpts, "y")])
      .apply(beam.withName("join-flatten", beam.flatten()))
      .apply(bytesCoder("join-flatten-coder"))
      .apply(beam.withName("join-group", internal.groupByKey<string, Uint8Array>()))
      .apply(beam.withName("join-pair", beam.parDo({
        process: function (kv: KV<string, Iterable<Uint8Array>>) {
          return [{ key: kv.key,
            value: worker.guarded(job.tmpDir, () => worker.pairRows(kv.key, kv.value, job.xSource, job.ySource)) }];
        },
      })))
      .apply(bytesCoder("joined-rows-coder")) as beam.PCollection<Bytes>;

export { joinById };
