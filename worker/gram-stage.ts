// The Gram pass, per worker bundle: read each shard's paired rows, map them to Phi = [Phi_X, Phi_Y] block by
// block, and SYRK every block into one float64 accumulator that lives for the whole bundle (so memory is O(M^2)
// plus one shard, whatever n is). At the end of the bundle the accumulator leaves as upper-triangle tiles.
import { stageProgress, StageProgress } from "./progress";
import { getBackend, setThreads, LinalgBackend } from "../linalg/index";
import { GramAccumulator } from "../method/gram";
import { featurePair, FeaturePair } from "../method/model";
import { FeatureMap, FeatureRowError, featuresInto } from "../method/features";
import { readShard } from "../shards/read";
import { InputError } from "../io/errors";
import { faultPoint } from "../io/fault";
import type { ShardDesc } from "../shards/shard";
import { readIdsFile } from "../io/source";
import { JobSpec, META, META_KEY, tileKey } from "./job";
import { f64ToBytes } from "./bytes";
import { idBucketCount, idHash } from "./ids";
import { PairedBuffer, PIECE_ROWS, RowSet, shardPieces, shardRowSet } from "./row-set";
import { ShardLookahead } from "./lookahead";

interface KeyedBytes {
  key: string;
  value: Uint8Array;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;


/**
 * Features of one block, written in place into out (rows x M) with their column sums added into colSum; a row that
 * cannot be mapped (cosine zero vector) is reported with its file and row.
 */
const phiChecked = (backend: LinalgBackend, pair: FeaturePair, x: Float32Array | Float64Array,
                    y: Float32Array | Float64Array, rows: number, out: Float32Array | Float64Array,
                    colSum: Float64Array, where: (side: "x" | "y", row: number) => string): void => {
  const side = (s: "x" | "y", fm: FeatureMap, v: Float32Array | Float64Array, off: number): void => {
    try {
      featuresInto(backend, fm, v, rows, out, pair.M, off, colSum);
    } catch (e) {
      if (e instanceof FeatureRowError) throw new InputError(where(s, e.row), `embedding ${s}: ${e.reason}`);
      throw e;
    }
  };
  side("x", pair.fx, x, 0);
  side("y", pair.fy, y, pair.DX);
};

/**
 * The bundle's (id, global row) pairs in hash buckets, kept as the UTF-8 bytes that leave the worker
 * ("id<TAB>row" lines, the format worker/ids.ts checkIdBucket reads): ~17 bytes per row at ImageNet scale instead
 * of ~100 for a JS string per entry, the one part of the Gram worker's memory that grows with n.
 */
class IdBytes {
  private readonly bufs: Uint8Array[];
  private readonly lens: Int32Array;

  constructor(private readonly buckets: number) {
    this.bufs = Array.from({ length: buckets }, () => new Uint8Array(0));
    this.lens = new Int32Array(buckets);
  }

  private room(b: number, need: number): Uint8Array {
    const cur = this.bufs[b];
    if (this.lens[b] + need <= cur.length) return cur;
    const grown = new Uint8Array(Math.max(this.lens[b] + need, Math.ceil(cur.length * 1.5), 4096));
    grown.set(cur.subarray(0, this.lens[b]));
    this.bufs[b] = grown;
    return grown;
  }

  add(ids: string[], globalStart: number): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const b = idHash(id) % this.buckets;
      const row = String(globalStart + i);
      // worst case 3 UTF-8 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units)
      const buf = this.room(b, 3 * id.length + row.length + 2);
      let p = this.lens[b];
      if (p > 0) buf[p++] = 10;
      let ascii = true;
      for (let c = 0; c < id.length; c++) {
        const code = id.charCodeAt(c);
        if (code >= 128) {
          ascii = false;
          break;
        }
        buf[p + c] = code;
      }
      if (ascii) p += id.length;
      else p += Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).write(id, p, "utf8");
      buf[p++] = 9;
      for (let c = 0; c < row.length; c++) buf[p++] = row.charCodeAt(c);
      this.lens[b] = p;
    }
  }

  /** One element per non-empty bucket: key "ids:<bucket>", value the UTF-8 lines "id<TAB>row". */
  drain(): KeyedBytes[] {
    const out: KeyedBytes[] = [];
    for (let b = 0; b < this.buckets; b++) {
      if (this.lens[b] > 0) out.push({ key: `ids:${b}`, value: this.bufs[b].slice(0, this.lens[b]) });
      this.bufs[b] = new Uint8Array(0);
      this.lens[b] = 0;
    }
    return out;
  }
}

class GramWorker {
  private readonly backend: LinalgBackend;
  private readonly pair: FeaturePair;
  private readonly acc: GramAccumulator;
  private readonly phi: Float32Array | Float64Array;
  /**
   * rows per feature block / SYRK call: compute.block_rows (default 2048; 1024 and 4096 measured within noise of it
   * at M = 2000, see the bench)
   */
  private readonly blockRows: number;
  private readonly meta = { shards: 0, read: 0, features: 0, syrk: 0, blocks: 0 };
  private readonly ids: IdBytes;
  private paired?: PairedBuffer;
  private readonly progress: StageProgress;
  private readonly lookahead = new ShardLookahead((s) => this.gramOfShard(s));

  constructor(private readonly job: JobSpec) {
    this.backend = getBackend(job.backend);
    if (job.threads > 0 && this.backend.name === "native") setThreads(job.threads);
    this.pair = featurePair(job.model);
    this.acc = new GramAccumulator(this.pair.M);
    this.ids = new IdBytes(idBucketCount(job.n));
    this.blockRows = job.blockRows;
    const size = this.blockRows * this.pair.M;
    this.phi = job.model.precision === "float32" ? new Float32Array(size) : new Float64Array(size);
    this.progress = stageProgress("gram", job.n, job.progress);
  }

  /** Takes a shard; its rows are added when the next shard arrives or at finish() (worker/lookahead.ts). */
  addShard(shard: ShardDesc): void {
    this.lookahead.push(shard);
  }

  private gramOfShard(shard: ShardDesc): void {
    let read = 0;
    const t0 = now();
    for (const piece of shardPieces(shard, PIECE_ROWS)) {
      const tr = now();
      const rows = readShard(piece, this.job.xOpts, this.job.yOpts, readIdsFile);
      read += now() - tr;
      this.ids.add(rows.ids, rows.globalStart);
      this.addRows(shardRowSet(rows, piece.x[0].path, piece.y ? piece.y[0].path : piece.x[0].path));
    }
    this.meta.read += read;
    this.meta.shards++;
    faultPoint("gram");
    this.progress.advance(shard.rows, `[gram] shard ${shard.index + 1}/${shard.total}: ${shard.rows} rows ` +
      `(read ${read.toFixed(2)} s, features+syrk ${(now() - t0 - read).toFixed(2)} s)`);
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
    const B = this.blockRows;
    const M = this.pair.M;
    for (let s = 0; s < set.rows; s += B) {
      const r = Math.min(B, set.rows - s);
      const tf = now();
      const first = s;
      phiChecked(this.backend, this.pair, set.x.subarray(s * set.dX, (s + r) * set.dX),
        set.y.subarray(s * set.dY, (s + r) * set.dY), r, this.phi, this.acc.colSum,
        (sd, local) => set.where(sd, first + local));
      const ts = now();
      // acc.addBlock would sum the columns again in JS; the feature map already added them into acc.colSum.
      this.backend.syrkAccumulate(this.acc.upper, r * M === this.phi.length ? this.phi : this.phi.subarray(0, r * M),
        r, M);
      this.acc.n += r;
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
    this.lookahead.flush();
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
