// Reads the paired rows of one shard (plain TypeScript, called from inside DoFns): X and Y vectors, ids and
// metadata, checking that by_row pairing really pairs the same samples when both sides carry ids.
import type { Vec } from "../linalg/backend";
import { inspectSource, readRows, SourceInfo } from "../io/source";
import type { ShardDesc, Slice, SourceOptions } from "./shard";
import { InputError } from "../io/errors";

type MetaValue = string | number | boolean | null;

interface ShardRows {
  rows: number;
  globalStart: number;
  ids: string[];
  x: Vec;
  y: Vec;
  dX: number;
  dY: number;
  metadata: Record<string, MetaValue[]>;
}


const infoCache = new Map<string, SourceInfo>();

const infoFor = (path: string, opts: SourceOptions, withMeta: boolean): SourceInfo => {
  const key = `${path}\u0000${opts.column ?? ""}\u0000${opts.idColumn ?? ""}\u0000${withMeta}`;
  let info = infoCache.get(key);
  if (!info) {
    info = inspectSource(path, { column: opts.column, idColumn: opts.idColumn, npzKey: opts.column,
      metadataColumns: withMeta ? opts.metadataColumns : [] });
    infoCache.set(key, info);
  }
  return info;
};

interface SideRows {
  ids: string[] | null;
  vectors: Vec;
  dim: number;
  metadata: Record<string, MetaValue[]>;
}

const readSlices = (slices: Slice[], opts: SourceOptions, withMeta: boolean): SideRows => {
  const parts = slices.map((s) => {
    const info = infoFor(s.path, opts, withMeta);
    const r = readRows(info, s.start, s.count, { column: opts.column, idColumn: opts.idColumn,
      npzKey: opts.column, metadataColumns: withMeta ? opts.metadataColumns : [] });
    return { info: info, r: r };
  });
  if (parts.length === 1) {
    return { ids: parts[0].r.ids, vectors: parts[0].r.vectors, dim: parts[0].info.dim,
      metadata: parts[0].r.metadata as Record<string, MetaValue[]> };
  }
  const dim = parts[0].info.dim;
  const total = parts.reduce((s, p) => s + p.r.vectors.length, 0);
  const f64 = parts.some((p) => p.r.vectors instanceof Float64Array);
  const vectors = f64 ? new Float64Array(total) : new Float32Array(total);
  let off = 0;
  for (const p of parts) {
    vectors.set(p.r.vectors, off);
    off += p.r.vectors.length;
  }
  const ids = parts.every((p) => p.r.ids !== null) ? parts.flatMap((p) => p.r.ids as string[]) : null;
  const metadata: Record<string, MetaValue[]> = {};
  for (const c of withMeta ? opts.metadataColumns : []) {
    metadata[c] = parts.flatMap((p) => (p.r.metadata as Record<string, MetaValue[]>)[c]);
  }
  return { ids: ids, vectors: vectors, dim: dim, metadata: metadata };
};

/** Ids read from an ids file (one per line) for .npy/.npz sources, cached per process. */
const idsFileCache = new Map<string, string[]>();

const idsFromFile = (file: string, readIds: (f: string) => string[]): string[] => {
  let ids = idsFileCache.get(file);
  if (!ids) {
    ids = readIds(file);
    idsFileCache.set(file, ids);
  }
  return ids;
};

interface OneSide {
  rows: number;
  globalStart: number;
  /** null when the source has no ids (no id column, no ids file) */
  ids: string[] | null;
  vectors: Vec;
  dim: number;
  metadata: Record<string, MetaValue[]>;
}

/** The rows of one side only (pairing by_id reads X and Y shards separately); shard.x holds that side's slices. */
const readSide = (shard: ShardDesc, opts: SourceOptions, withMeta: boolean,
                  readIds: (f: string) => string[]): OneSide => {
  const r = readSlices(shard.x, opts, withMeta);
  let ids = r.ids;
  if (!ids && opts.idsFile) {
    ids = idsFromFile(opts.idsFile, readIds).slice(shard.x[0].start, shard.x[0].start + shard.rows);
  }
  return { rows: shard.rows, globalStart: shard.globalStart, ids: ids, vectors: r.vectors, dim: r.dim,
    metadata: r.metadata };
};

const readShard = (shard: ShardDesc, xOpts: SourceOptions, yOpts: SourceOptions,
                   readIds: (f: string) => string[]): ShardRows => {
  const xs = readSlices(shard.x, xOpts, true);
  const ys = shard.y === null ? readSlices(shard.x, yOpts, false) : readSlices(shard.y, yOpts, false);
  const local = (side: SideRows, opts: SourceOptions, slices: Slice[]): string[] | null => {
    if (side.ids) return side.ids;
    if (!opts.idsFile) return null;
    const all = idsFromFile(opts.idsFile, readIds);
    return all.slice(slices[0].start, slices[0].start + shard.rows);
  };
  const xIds = local(xs, xOpts, shard.x);
  const yIds = shard.y === null ? xIds : local(ys, yOpts, shard.y);
  if (xIds && yIds) {
    for (let i = 0; i < shard.rows; i++) {
      if (xIds[i] !== yIds[i]) {
        const where = shard.y ? `${shard.y[0].path}` : shard.x[0].path;
        throw new InputError(where, `pairing by_row: global row ${shard.globalStart + i}: y id '${yIds[i]}' != ` +
          `x id '${xIds[i]}' (${shard.x[0].path}); the rows of X and Y are not aligned`);
      }
    }
  }
  const ids = xIds ?? yIds ?? Array.from({ length: shard.rows }, (_, i) => String(shard.globalStart + i));
  return { rows: shard.rows, globalStart: shard.globalStart, ids: ids, x: xs.vectors, y: ys.vectors,
    dX: xs.dim, dY: ys.dim, metadata: xs.metadata };
};

export { readShard, readSide, ShardRows, OneSide, InputError, MetaValue };
