// The Gram pass, per worker bundle: read each shard's paired rows, map them to Phi = [Phi_X, Phi_Y] block by
// block, and SYRK every block into one float64 accumulator that lives for the whole bundle (so memory is O(M^2)
// plus one shard, whatever n is). At the end of the bundle the accumulator leaves as upper-triangle tiles.
import { getBackend, setThreads, LinalgBackend } from "../linalg/index";
import { GramAccumulator } from "../spec/gram";
import { featurePair, FeaturePair } from "../spec/model";
import { FeatureMap, FeatureRowError, featuresInto } from "../spec/features";
import { readShard } from "../pipelines/shard-rows";
import { InputError } from "../io/errors";
import type { ShardDesc } from "../pipelines/plan";
import { readIdsFile } from "../io/source";
import { JobSpec, META, META_KEY, tileKey } from "./job";
import { f64ToBytes } from "./bytes";
import { IdBuckets, idBucketCount } from "./ids";
import { PairedBuffer, RowSet, shardRowSet } from "./row-set";

interface KeyedBytes {
  key: string;
  value: Uint8Array;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Features of one block; a row that cannot be mapped (cosine zero vector) is reported with its file and row. */
const phiChecked = (backend: LinalgBackend, pair: FeaturePair, x: Float32Array | Float64Array,
                    y: Float32Array | Float64Array, rows: number, out: Float32Array | Float64Array,
                    where: (side: "x" | "y", row: number) => string): void => {
  const side = (s: "x" | "y", fm: FeatureMap, v: Float32Array | Float64Array, off: number): void => {
    try {
      featuresInto(backend, fm, v, rows, out, pair.M, off);
    } catch (e) {
      if (e instanceof FeatureRowError) throw new InputError(where(s, e.row), `embedding ${s}: ${e.reason}`);
      throw e;
    }
  };
  side("x", pair.fx, x, 0);
  side("y", pair.fy, y, pair.DX);
};

class GramWorker {
  private readonly backend: LinalgBackend;
  private readonly pair: FeaturePair;
  private readonly acc: GramAccumulator;
  private readonly phi: Float32Array | Float64Array;
  private readonly meta = { shards: 0, read: 0, features: 0, syrk: 0, blocks: 0 };
  private readonly ids: IdBuckets;
  private paired?: PairedBuffer;

  constructor(private readonly job: JobSpec) {
    this.backend = getBackend(job.backend);
    if (job.threads > 0 && this.backend.name === "native") setThreads(job.threads);
    this.pair = featurePair(job.model);
    this.acc = new GramAccumulator(this.pair.M);
    this.ids = new IdBuckets(idBucketCount(job.n));
    const size = job.blockRows * this.pair.M;
    this.phi = job.model.precision === "float32" ? new Float32Array(size) : new Float64Array(size);
  }

  addShard(shard: ShardDesc): void {
    const t0 = now();
    const rows = readShard(shard, this.job.xOpts, this.job.yOpts, readIdsFile);
    const t1 = now();
    this.meta.read += t1 - t0;
    this.ids.add(rows.ids, rows.globalStart);
    this.addRows(shardRowSet(rows, shard.x[0].path, shard.y ? shard.y[0].path : shard.x[0].path));
    this.meta.shards++;
    if (this.job.progress) {
      process.stderr.write(`[gram] shard ${shard.index + 1}/${shard.total}: ${rows.rows} rows ` +
        `(read ${(t1 - t0).toFixed(2)} s, features+syrk ${(now() - t1).toFixed(2)} s)\n`);
    }
  }

  /** One joined row (pairing by_id); rows are processed in blocks as the buffer fills. */
  addPaired(id: string, bytes: Uint8Array): void {
    if (this.paired === undefined) {
      this.paired = new PairedBuffer(this.job.blockRows, this.job.model.x.d, this.job.model.y.d, [],
        { x: this.job.xSource, y: this.job.ySource });
    }
    this.paired.add(id, bytes);
    if (this.paired.full) this.addRows(this.paired.drain());
  }

  private addRows(set: RowSet): void {
    const B = this.job.blockRows;
    for (let s = 0; s < set.rows; s += B) {
      const r = Math.min(B, set.rows - s);
      const tf = now();
      const first = s;
      phiChecked(this.backend, this.pair, set.x.subarray(s * set.dX, (s + r) * set.dX),
        set.y.subarray(s * set.dY, (s + r) * set.dY), r, this.phi, (sd, local) => set.where(sd, first + local));
      const ts = now();
      this.acc.addBlock(this.backend, this.phi, r);
      this.meta.features += ts - tf;
      this.meta.syrk += now() - ts;
      this.meta.blocks++;
    }
  }

  /**
   * The bundle's partial sums: tiles of the upper triangle plus the meta vector (n, timings, column sums), and the
   * bundle's ids in hash buckets ("ids:<b>") for the duplicate check.
   */
  finish(): KeyedBytes[] {
    if (this.paired !== undefined && this.paired.size > 0) this.addRows(this.paired.drain());
    if (this.acc.n === 0) return [];
    const out: KeyedBytes[] = this.acc.toTiles(this.job.tile).map((t) => ({ key: tileKey(t.bi, t.bj),
      value: f64ToBytes(t.data) }));
    const meta = new Float64Array(META.colSum + this.pair.M);
    meta[META.n] = this.acc.n;
    meta[META.shards] = this.meta.shards;
    meta[META.readSeconds] = this.meta.read;
    meta[META.featureSeconds] = this.meta.features;
    meta[META.syrkSeconds] = this.meta.syrk;
    meta[META.blocks] = this.meta.blocks;
    meta.set(this.acc.colSum, META.colSum);
    out.push({ key: META_KEY, value: f64ToBytes(meta) });
    return out.concat(this.ids.drain());
  }
}

export { GramWorker, KeyedBytes };
