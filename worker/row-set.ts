// A set of paired rows in memory, whatever produced it: a by_row shard (contiguous global rows) or a buffer of
// rows that arrived one by one from the by_id join (arbitrary global rows). Both passes consume this shape.
import type { Vec } from "../linalg/backend";
import type { MetaValue, ShardRows } from "../shards/read";
import type { ShardDesc, Slice } from "../shards/shard";
import { decodePaired } from "./keyed-rows";

interface RowSet {
  rows: number;
  ids: string[];
  /** global row (X's order) of each row */
  rowIndex: (i: number) => number;
  x: Vec;
  y: Vec;
  dX: number;
  dY: number;
  metadata: Record<string, MetaValue[]>;
  /** names the input and the global row in errors */
  where: (side: "x" | "y", i: number) => string;
}

const shardRowSet = (r: ShardRows, xPath: string, yPath: string): RowSet => ({
  rows: r.rows, ids: r.ids, rowIndex: (i) => r.globalStart + i, x: r.x, y: r.y, dX: r.dX, dY: r.dY,
  metadata: r.metadata, where: (side, i) => `${side === "x" ? xPath : yPath}: global row ${r.globalStart + i}`,
});

/** Collects joined rows (by_id) until `capacity`, then hands them over as one RowSet. */
class PairedBuffer {
  private n = 0;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private ids: string[] = [];
  private rowIdx: number[] = [];
  private meta: Record<string, MetaValue[]>;

  constructor(readonly capacity: number, readonly dX: number, readonly dY: number,
              private readonly metaCols: string[], private readonly sources: { x: string; y: string }) {
    this.x = new Float64Array(capacity * dX);
    this.y = new Float64Array(capacity * dY);
    this.meta = this.freshMeta();
  }

  private freshMeta(): Record<string, MetaValue[]> {
    const m: Record<string, MetaValue[]> = {};
    for (const c of this.metaCols) m[c] = [];
    return m;
  }

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n >= this.capacity;
  }

  add(id: string, bytes: Uint8Array): void {
    const p = decodePaired(bytes, id);
    if (p.x.length !== this.dX || p.y.length !== this.dY) {
      throw new Error(`joined row '${id}': dimensions ${p.x.length}/${p.y.length}, expected ${this.dX}/${this.dY}`);
    }
    this.x.set(p.x, this.n * this.dX);
    this.y.set(p.y, this.n * this.dY);
    this.ids.push(id);
    this.rowIdx.push(p.row);
    for (const c of this.metaCols) this.meta[c].push(p.metadata[c] ?? null);
    this.n++;
  }

  /** The buffered rows as a RowSet (copies), and an empty buffer. */
  drain(): RowSet {
    const n = this.n;
    const rowIdx = this.rowIdx;
    const src = this.sources;
    const set: RowSet = { rows: n, ids: this.ids, rowIndex: (i) => rowIdx[i], x: this.x.slice(0, n * this.dX),
      y: this.y.slice(0, n * this.dY), dX: this.dX, dY: this.dY, metadata: this.meta,
      where: (side, i) => `${side === "x" ? src.x : src.y}: row of id '${set.ids[i]}' (x row ${rowIdx[i]})` };
    this.n = 0;
    this.ids = [];
    this.rowIdx = [];
    this.meta = this.freshMeta();
    return set;
  }
}

/**
 * Rows read at once by both passes (see shardPieces): <= 32768 x (768 + 1024) float32 = 235 MB. Not smaller: a
 * piece that cuts a row group re-reads its whole column chunk (ImageNet-like files hold ~20,000 rows in one group).
 */
const PIECE_ROWS = 32768;

/** Rows [offset, offset + count) of a slice list (files in order). */
const trimSlices = (slices: Slice[], offset: number, count: number): Slice[] => {
  const out: Slice[] = [];
  let skip = offset;
  let left = count;
  for (const s of slices) {
    if (left <= 0) break;
    if (skip >= s.count) {
      skip -= s.count;
      continue;
    }
    const take = Math.min(s.count - skip, left);
    out.push({ path: s.path, start: s.start + skip, count: take });
    left -= take;
    skip = 0;
  }
  return out;
};

/**
 * A shard cut into pieces read one at a time: at X file boundaries, and at most maxRows rows each. Workers then
 * hold one piece of rows, whatever compute.shard_rows is: a 50,000-row shard of 768 + 1024 float32 columns is
 * 360 MB, twice that while readShard joins the files it spans.
 */
const shardPieces = (shard: ShardDesc, maxRows: number): ShardDesc[] => {
  const cuts: number[] = [0];
  let at = 0;
  for (const s of shard.x) {
    for (let r = Math.min(maxRows, s.count); r < s.count; r += maxRows) cuts.push(at + r);
    at += s.count;
    if (at < shard.rows) cuts.push(at);
  }
  cuts.push(shard.rows);
  const pieces: ShardDesc[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const off = cuts[i];
    const count = cuts[i + 1] - off;
    if (count <= 0) continue;
    pieces.push({ index: shard.index, total: shard.total, globalStart: shard.globalStart + off, rows: count,
      x: trimSlices(shard.x, off, count), y: shard.y === null ? null : trimSlices(shard.y, off, count) });
  }
  return pieces;
};

export { RowSet, shardRowSet, PairedBuffer, PIECE_ROWS, shardPieces, trimSlices };
