// The Gram pass: each bundle accumulates its rows' random-feature outer products into float64 tiles of the upper
// triangle (plus a small meta vector); the tiles are summed per key across bundles, and the id buckets that
// travel with them are grouped and checked for duplicate ids.
import * as beam from "apache-beam";
import * as internal from "apache-beam/transforms/internal";
import type { KV } from "apache-beam/values";
import * as worker from "../worker/index";
import type { JobSpec } from "../worker/job";
import type { ShardDesc } from "../shards/shard";
import { bundleFn } from "./bundle-fn";
import { Bytes, bytesCoder } from "./byte-coders";

/** by_row: shard descriptors (workers read the rows); by_id: the joined rows. */
type RowsInput = beam.PCollection<ShardDesc> | beam.PCollection<Bytes>;

const partials = (job: JobSpec, input: RowsInput): beam.PCollection<Bytes> =>
  (job.pairing === "by_id"
    ? (input as beam.PCollection<Bytes>).apply(beam.withName("gram-partials", beam.parDo(bundleFn(job,
      () => new worker.GramWorker(job), (w: worker.GramWorker, kv: Bytes) => w.addPaired(kv.key, kv.value)))))
    : (input as beam.PCollection<ShardDesc>).apply(beam.withName("gram-partials", beam.parDo(bundleFn(job,
      () => new worker.GramWorker(job), (w: worker.GramWorker, shard: ShardDesc) => w.addShard(shard))))))
    .apply(bytesCoder("gram-partials-coder")) as beam.PCollection<Bytes>;

/** The composite: rows in, the summed tiles and meta vector (key "t:<bi>:<bj>" / "meta") out. */
const gramPass = (job: JobSpec) => (input: RowsInput): beam.PCollection<Bytes> => {
  const parts = partials(job, input);
  const isIds = (kv: Bytes): boolean => kv.key.startsWith("ids:");
  parts
    .apply(beam.withName("ids-only", beam.parDo({
      process: function* (kv: Bytes) {
        if (isIds(kv)) yield kv;
      },
    })))
    .apply(bytesCoder("ids-only-coder"))
    .apply(beam.withName("group-id-buckets", internal.groupByKey<string, Uint8Array>()))
    .apply(beam.withName("check-duplicate-ids", beam.parDo({
      process: function (kv: KV<string, Iterable<Uint8Array>>) {
        worker.guarded(job.tmpDir, () => worker.checkIdBucket(kv.value, job.idSource));
      },
    })));
  return parts
    .apply(beam.withName("tiles-only", beam.parDo({
      process: function* (kv: Bytes) {
        if (!isIds(kv)) yield kv;
      },
    })))
    .apply(bytesCoder("tiles-only-coder"))
    .apply(beam.withName("sum-tiles", internal.combinePerKey(worker.sumBytes)))
    .apply(bytesCoder("sum-tiles-coder")) as beam.PCollection<Bytes>;
};

export { gramPass, RowsInput };
