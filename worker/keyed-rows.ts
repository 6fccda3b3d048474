// pairing by_id: each side's rows travel keyed by id through a GroupByKey (the join), as compact bytes:
//   float64 header [side, globalRow, dim, metaBytes] + float64 vector + UTF-8 JSON metadata (X side only).
// The join emits one paired row per id: [xRow, dX, dY, metaBytes] + x + y + metadata. Unmatched and duplicated
// ids stop the run with the id and its rows named.
import { InputError } from "../io/errors";
import { readSide, MetaValue } from "../shards/read";
import type { ShardDesc, SourceOptions } from "../shards/shard";
import { readIdsFile } from "../io/source";
import { f64View } from "./bytes";

const SIDE_X = 0;
const SIDE_Y = 1;
const HEADER = 4;

interface KeyedRow {
  key: string;
  value: Uint8Array;
}

const encodeRow = (side: number, row: number, vec: ArrayLike<number>, meta: string): Uint8Array => {
  const metaBytes = Buffer.from(meta, "utf8");
  const buf = new ArrayBuffer((HEADER + vec.length) * 8 + metaBytes.length);
  const f = new Float64Array(buf, 0, HEADER + vec.length);
  f[0] = side;
  f[1] = row;
  f[2] = vec.length;
  f[3] = metaBytes.length;
  for (let i = 0; i < vec.length; i++) f[HEADER + i] = vec[i];
  new Uint8Array(buf, (HEADER + vec.length) * 8).set(metaBytes);
  return new Uint8Array(buf);
};

/** A shard of one side, keyed by id (ids are required for by_id: an id column or an ids file). */
const keyedRowsOfShard = (shard: ShardDesc, opts: SourceOptions, side: "x" | "y"): KeyedRow[] => {
  const rows = readSide(shard, opts, side === "x", readIdsFile);
  const ids = rows.ids;
  if (ids === null) {
    throw new InputError(shard.x[0].path, `pairing by_id needs ids on the ${side} side: set ${side}.id_column ` +
      `(Parquet) or ${side}.ids_file (.npy/.npz)`);
  }
  const out: KeyedRow[] = new Array(rows.rows);
  const metaCols = side === "x" ? opts.metadataColumns : [];
  for (let i = 0; i < rows.rows; i++) {
    const meta: Record<string, MetaValue> = {};
    for (const c of metaCols) meta[c] = rows.metadata[c][i];
    out[i] = { key: ids[i], value: encodeRow(side === "x" ? SIDE_X : SIDE_Y, rows.globalStart + i,
      rows.vectors.subarray(i * rows.dim, (i + 1) * rows.dim), metaCols.length ? JSON.stringify(meta) : "") };
  }
  return out;
};

interface DecodedRow {
  side: number;
  row: number;
  vec: Float64Array;
  meta: string;
}

const asF64 = f64View;

const decodeRow = (b: Uint8Array): DecodedRow => {
  const h = asF64(b, 0, HEADER);
  const d = h[2];
  return { side: h[0], row: h[1], vec: asF64(b, HEADER * 8, d),
    meta: Buffer.from(b.buffer, b.byteOffset + (HEADER + d) * 8, h[3]).toString("utf8") };
};

/** The join step for one id: exactly one X row and one Y row, else an error naming the id and its rows. */
const pairRows = (id: string, values: Iterable<Uint8Array>, xSource: string, ySource: string): Uint8Array => {
  const xs: DecodedRow[] = [];
  const ys: DecodedRow[] = [];
  for (const v of values) {
    const r = decodeRow(v);
    (r.side === SIDE_X ? xs : ys).push(r);
  }
  const rowsOf = (rs: DecodedRow[]) => rs.map((r) => r.row).sort((a, b) => a - b).join(" and ");
  if (xs.length > 1) throw new InputError(xSource, `duplicate id '${id}' at rows ${rowsOf(xs)}: ids must be unique`);
  if (ys.length > 1) throw new InputError(ySource, `duplicate id '${id}' at rows ${rowsOf(ys)}: ids must be unique`);
  if (ys.length === 0) throw new InputError(xSource, `pairing by_id: id '${id}' (row ${xs[0].row}) has no match in ${ySource}`);
  if (xs.length === 0) throw new InputError(ySource, `pairing by_id: id '${id}' (row ${ys[0].row}) has no match in ${xSource}`);
  const x = xs[0];
  const y = ys[0];
  const metaBytes = Buffer.from(x.meta, "utf8");
  const buf = new ArrayBuffer((HEADER + x.vec.length + y.vec.length) * 8 + metaBytes.length);
  const f = new Float64Array(buf, 0, HEADER + x.vec.length + y.vec.length);
  f[0] = x.row;
  f[1] = x.vec.length;
  f[2] = y.vec.length;
  f[3] = metaBytes.length;
  f.set(x.vec, HEADER);
  f.set(y.vec, HEADER + x.vec.length);
  new Uint8Array(buf, f.byteLength).set(metaBytes);
  return new Uint8Array(buf);
};

interface PairedRow {
  row: number;
  x: Float64Array;
  y: Float64Array;
  metadata: Record<string, MetaValue>;
}

const decodePaired = (b: Uint8Array, id: string): PairedRow & { id: string } => {
  const h = asF64(b, 0, HEADER);
  const dX = h[1];
  const dY = h[2];
  const body = asF64(b, HEADER * 8, dX + dY);
  const metaText = Buffer.from(b.buffer, b.byteOffset + (HEADER + dX + dY) * 8, h[3]).toString("utf8");
  return { id: id, row: h[0], x: body.subarray(0, dX), y: body.subarray(dX, dX + dY),
    metadata: metaText ? (JSON.parse(metaText) as Record<string, MetaValue>) : {} };
};

export { keyedRowsOfShard, pairRows, decodePaired, KeyedRow, PairedRow };
