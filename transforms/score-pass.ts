// The score pass: every bundle scores its rows against the solution (a side input), writes one Parquet part per
// shard (or per partRows joined rows) and keeps each mode's top N; the per-bundle lists are combined per mode, the
// part records grouped into one manifest, and both written to the run directory for finalize.
import * as beam from "apache-beam";
import * as internal from "apache-beam/transforms/internal";
import type { KV } from "apache-beam/values";
import * as worker from "../worker/index";
import type { JobSpec } from "../worker/job";
import type { ShardDesc } from "../shards/shard";
import { iterableSideInput } from "../beam-runtime/side-input";
import { bundleFn } from "./bundle-fn";
import { Bytes, stringsCoder } from "./byte-coders";
import type { RowsInput } from "./gram-pass";

interface ScoreContext {
  solution: beam.SideInputParam<Bytes, Iterable<Bytes>, Iterable<Bytes>>;
}

const scored = (job: JobSpec, input: RowsInput, solution: beam.PCollection<Bytes>): beam.PCollection<KV<string, string>> => {
  const side = { solution: iterableSideInput(solution) };
  const make = (ctx: ScoreContext) => new worker.ScoreWorker(job, ctx.solution.lookup());
  return job.pairing === "by_id"
    ? (input as beam.PCollection<Bytes>).apply(beam.withName("score", beam.parDo(
      bundleFn(job, make, (w: worker.ScoreWorker, kv: Bytes) => w.addPaired(kv.key, kv.value)), side)))
    : (input as beam.PCollection<ShardDesc>).apply(beam.withName("score", beam.parDo(
      bundleFn(job, make, (w: worker.ScoreWorker, shard: ShardDesc) => w.scoreShard(shard)), side)));
};

/**
 * The composite: rows and the solution in; the parts, their manifest and the top lists land in the run directory.
 * The manifest is built from the part records in the pipeline, so it lists only the parts of bundles whose output
 * the runner kept: a retried bundle's first attempt cannot add rows.
 */
const scorePass = (job: JobSpec, solution: beam.PCollection<Bytes>) => (input: RowsInput): void => {
  const out = scored(job, input, solution).apply(stringsCoder("score-coder"));
  out
    .apply(beam.withName("top-lists", beam.parDo({
      process: function* (kv: KV<string, string>) {
        if (!worker.isPartKey(kv.key) && kv.key !== worker.MAP_KEY) yield kv;
      },
    })))
    .apply(stringsCoder("top-lists-coder"))
    .apply(beam.withName("top-per-mode", internal.combinePerKey(worker.topCombine(job.top))))
    .apply(stringsCoder("top-coder"))
    .apply(beam.withName("write-top", beam.parDo({
      process: function (kv: KV<string, string>) {
        worker.guarded(job.tmpDir, () => worker.writeTop(job.tmpDir, kv.key, kv.value));
      },
    })));
  out
    .apply(beam.withName("map-points", beam.parDo({
      process: function* (kv: KV<string, string>) {
        if (kv.key === worker.MAP_KEY) yield kv;
      },
    })))
    .apply(stringsCoder("map-points-coder"))
    .apply(beam.withName("map-sample", internal.combinePerKey(worker.mapCombine())))
    .apply(stringsCoder("map-sample-coder"))
    .apply(beam.withName("write-map-sample", beam.parDo({
      process: function (kv: KV<string, string>) {
        worker.guarded(job.tmpDir, () => worker.writeTop(job.tmpDir, kv.key, kv.value));
      },
    })));
  out
    .apply(beam.withName("part-records", beam.parDo({
      process: function* (kv: KV<string, string>) {
        if (worker.isPartKey(kv.key)) yield { key: "parts", value: kv.value };
      },
    })))
    .apply(stringsCoder("part-records-coder"))
    .apply(beam.withName("group-part-records", internal.groupByKey<string, string>()))
    .apply(beam.withName("write-parts-manifest", beam.parDo({
      process: function (kv: KV<string, Iterable<string>>) {
        worker.guarded(job.tmpDir, () => worker.writeManifest(job.tmpDir, kv.value));
      },
    })));
};

export { scorePass };
