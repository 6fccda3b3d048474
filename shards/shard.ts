// A shard is a small descriptor (file paths and row ranges), cut by the driver's plan (pipelines/plan.ts) and read
// by the workers themselves (shards/read.ts): no rows travel through the runner.

interface SourceOptions {
  column?: string;
  idColumn?: string;
  idsFile?: string;
  metadataColumns: string[];
}

/** Rows [start, start + count) of one file. */
interface Slice {
  path: string;
  start: number;
  count: number;
}

interface ShardDesc {
  index: number;
  total: number;
  /** first global row (0-based) of the shard */
  globalStart: number;
  rows: number;
  x: Slice[];
  /** null: Y is a second column of the same rows as X */
  y: Slice[] | null;
}

/** The first `rows` rows of a shard (samples: bandwidth, centring, align): trims the X and Y slices alike. */
const headOfShard = (shard: ShardDesc, rows: number): ShardDesc => {
  const trim = (slices: Slice[]): Slice[] => {
    const out: Slice[] = [];
    let left = rows;
    for (const s of slices) {
      if (left <= 0) break;
      out.push({ path: s.path, start: s.start, count: Math.min(s.count, left) });
      left -= s.count;
    }
    return out;
  };
  const r = Math.min(rows, shard.rows);
  return { index: shard.index, total: shard.total, globalStart: shard.globalStart, rows: r, x: trim(shard.x),
    y: shard.y === null ? null : trim(shard.y) };
};

export { headOfShard, ShardDesc, Slice, SourceOptions };
