// The compare job graph (design.md "Data flow"): shard descriptors -> Gram partial tiles (bytes) -> combine per
// tile -> solve on one worker -> eigenvector chunks as a side input -> scores per shard + top-N per mode.
// Every large value crosses stage boundaries as bytes with an explicit byte coder, in elements <= ~2 MB.
import * as beam from "apache-beam";
import * as internal from "apache-beam/transforms/internal";
import type { KV } from "apache-beam/values";
import * as stages from "../stages/index";
import * as support from "./support";
import type { JobSpec } from "../stages/job";
import type { ShardDesc } from "../pipelines/plan";
import { registerWorkerModules } from "./register";
import { iterableSideInput } from "./side-input";

type Bytes = KV<string, Uint8Array>;

interface GramFnState {
  worker?: stages.GramWorker;
}

const gramFn = (job: JobSpec): beam.DoFn<ShardDesc, Bytes> & GramFnState => ({
  startBundle: function () {
    this.worker = undefined;
  },
  process: function (shard: ShardDesc) {
    stages.guarded(job.tmpDir, () => {
      if (this.worker === undefined) this.worker = new stages.GramWorker(job);
      this.worker.addShard(shard);
    });
  },
  finishBundle: function () {
    const w = this.worker;
    this.worker = undefined;
    return w === undefined ? [] : stages.guarded(job.tmpDir, () => w.finish()).map((kv) => support.inGlobalWindow(kv));
  },
});

interface ScoreFnState {
  worker?: stages.ScoreWorker;
}

interface ScoreContext {
  solution: beam.SideInputParam<Bytes, Iterable<Bytes>, Iterable<Bytes>>;
}

const scoreFn = (job: JobSpec): beam.DoFn<ShardDesc, KV<string, string>, ScoreContext> & ScoreFnState => ({
  startBundle: function () {
    this.worker = undefined;
  },
  process: function (shard: ShardDesc, ctx: ScoreContext) {
    stages.guarded(job.tmpDir, () => {
      if (this.worker === undefined) this.worker = new stages.ScoreWorker(job, ctx.solution.lookup());
      this.worker.scoreShard(shard);
    });
  },
  finishBundle: function () {
    const w = this.worker;
    this.worker = undefined;
    return w === undefined ? [] : stages.guarded(job.tmpDir, () => w.finish()).map((kv) => support.inGlobalWindow(kv));
  },
});

const bytesCoder = (name: string) =>
  beam.withName(name, internal.withCoderInternal<Bytes>(support.kvBytesCoder()));

/**
 * pairing by_id: both sides' rows keyed by id, grouped (the join), checked (exactly one row per side and id) and
 * emitted as paired rows keyed by id. The paired rows feed both passes.
 */
const joinById = (root: beam.Root, job: JobSpec, xShards: ShardDesc[], yShards: ShardDesc[]): beam.PCollection<Bytes> => {
  const side = (name: string, shards: ShardDesc[], opts: JobSpec["xOpts"], which: "x" | "y") =>
    root
      .apply(beam.withName(`${name}-shards`, beam.create(shards)))
      .apply(beam.withName(`${name}-keyed-rows`, beam.parDo({
        process: function (shard: ShardDesc) {
          return stages.guarded(job.tmpDir, () => stages.keyedRowsOfShard(shard, opts, which));
        },
      })))
      .apply(bytesCoder(`${name}-keyed-rows-coder`)) as beam.PCollection<Bytes>;
  const xs = side("x", xShards, job.xOpts, "x");
  const ys = side("y", yShards, job.yOpts, "y");
  return beam.P([xs, ys])
    .apply(beam.withName("join-flatten", beam.flatten()))
    .apply(bytesCoder("join-flatten-coder"))
    .apply(beam.withName("join-group", internal.groupByKey<string, Uint8Array>()))
    .apply(beam.withName("join-pair", beam.parDo({
      process: function (kv: KV<string, Iterable<Uint8Array>>) {
        return [{ key: kv.key, value: stages.guarded(job.tmpDir, () => stages.pairRows(kv.key, kv.value, job.xSource, job.ySource)) }];
      },
    })))
    .apply(bytesCoder("joined-rows-coder")) as beam.PCollection<Bytes>;
};

const joinedGramFn = (job: JobSpec): beam.DoFn<Bytes, Bytes> & GramFnState => ({
  startBundle: function () {
    this.worker = undefined;
  },
  process: function (kv: Bytes) {
    stages.guarded(job.tmpDir, () => {
      if (this.worker === undefined) this.worker = new stages.GramWorker(job);
      this.worker.addPaired(kv.key, kv.value);
    });
  },
  finishBundle: function () {
    const w = this.worker;
    this.worker = undefined;
    return w === undefined ? [] : stages.guarded(job.tmpDir, () => w.finish()).map((kv) => support.inGlobalWindow(kv));
  },
});

const joinedScoreFn = (job: JobSpec): beam.DoFn<Bytes, KV<string, string>, ScoreContext> & ScoreFnState => ({
  startBundle: function () {
    this.worker = undefined;
  },
  process: function (kv: Bytes, ctx: ScoreContext) {
    stages.guarded(job.tmpDir, () => {
      if (this.worker === undefined) this.worker = new stages.ScoreWorker(job, ctx.solution.lookup());
      this.worker.addPaired(kv.key, kv.value);
    });
  },
  finishBundle: function () {
    const w = this.worker;
    this.worker = undefined;
    return w === undefined ? [] : stages.guarded(job.tmpDir, () => w.finish()).map((kv) => support.inGlobalWindow(kv));
  },
});

/** Builds the graph; results land as files in job.tmpDir (workers cannot update driver variables). */
const compareGraph = (root: beam.Root, job: JobSpec, shards: ShardDesc[], yShards: ShardDesc[]): void => {
  registerWorkerModules();
  const joined = job.pairing === "by_id" ? joinById(root, job, shards, yShards) : undefined;
  const shardPc = joined ? undefined : root.apply(beam.withName("plan-shards", beam.create(shards)));

  const partials = (joined
    ? joined.apply(beam.withName("gram-partials", beam.parDo(joinedGramFn(job))))
    : (shardPc as beam.PCollection<ShardDesc>).apply(beam.withName("gram-partials", beam.parDo(gramFn(job)))))
    .apply(bytesCoder("gram-partials-coder"));
  // Tiles and the meta vector are summed per key; id buckets are grouped and checked for duplicates.
  const isIds = (kv: Bytes): boolean => kv.key.startsWith("ids:");
  const tilesOnly = partials
    .apply(beam.withName("tiles-only", beam.parDo({
      process: function* (kv: Bytes) {
        if (!isIds(kv)) yield kv;
      },
    })))
    .apply(bytesCoder("tiles-only-coder"));
  partials
    .apply(beam.withName("ids-only", beam.parDo({
      process: function* (kv: Bytes) {
        if (isIds(kv)) yield kv;
      },
    })))
    .apply(bytesCoder("ids-only-coder"))
    .apply(beam.withName("group-id-buckets", internal.groupByKey<string, Uint8Array>()))
    .apply(beam.withName("check-duplicate-ids", beam.parDo({
      process: function (kv: KV<string, Iterable<Uint8Array>>) {
        stages.guarded(job.tmpDir, () => stages.checkIdBucket(kv.value, job.idSource));
      },
    })));
  const summed = tilesOnly
    .apply(beam.withName("sum-tiles", internal.combinePerKey(stages.sumBytes)))
    .apply(bytesCoder("sum-tiles-coder")) as beam.PCollection<Bytes>;

  const solution = root
    .apply(beam.withName("solve-trigger", beam.create([0])))
    .apply(beam.withName("solve", beam.parDo(
      {
        process: function (_unused: number, ctx: { tiles: beam.SideInputParam<Bytes, Iterable<Bytes>, Iterable<Bytes>> }) {
          return stages.guarded(job.tmpDir, () => stages.solveTiles(job, ctx.tiles.lookup()));
        },
      },
      { tiles: iterableSideInput(summed) },
    )))
    .apply(bytesCoder("solution-coder")) as beam.PCollection<Bytes>;

  const scored = joined
    ? joined.apply(beam.withName("score", beam.parDo(joinedScoreFn(job), { solution: iterableSideInput(solution) })))
    : (shardPc as beam.PCollection<ShardDesc>).apply(beam.withName("score",
      beam.parDo(scoreFn(job), { solution: iterableSideInput(solution) })));
  scored
    .apply(beam.withName("score-coder", internal.withCoderInternal(support.kvStringCoder())))
    .apply(beam.withName("top-per-mode", internal.combinePerKey(stages.topCombine(job.top))))
    .apply(beam.withName("top-coder", internal.withCoderInternal(support.kvStringCoder())))
    .apply(beam.withName("write-top", beam.parDo({
      process: function (kv: KV<string, string>) {
        stages.guarded(job.tmpDir, () => stages.writeTop(job.tmpDir, kv.key, kv.value));
      },
    })));
};

export { compareGraph };
