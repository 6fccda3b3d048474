// Flat (non-nested) columns: ids and metadata. Small next to the vectors, so hyparquet's
// synchronous column decoder is used as is; values are normalised to plain JS scalars.
import type { ByteSource } from "./bytes";
import { compressors } from "./compression";
import { InputError } from "./errors";
import { DEFAULT_PARSERS, readColumn } from "./hyparquet";
import type { ColumnDecoder, ColumnMetaData, Compressors } from "./hyparquet";
import { chunkRange } from "./parquet-pages";
import type { FlatColumn } from "./parquet-footer";

type Scalar = string | number | boolean | null;

const utf8 = new TextDecoder();

// int64 becomes a number when exact, else its decimal string; dates become ISO strings.
const toScalar = (v: unknown): Scalar => {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return utf8.decode(v);
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
};

// Values of rows [selStart, selEnd) of one row group, one entry per row.
const readFlatChunk = (
  src: ByteSource, meta: ColumnMetaData, col: FlatColumn, groupStart: number, groupRows: number, selStart: number, selEnd: number,
): unknown[] => {
  const range = chunkRange(meta);
  const bytes = src.read(range.start, range.length);
  const decoder: ColumnDecoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: col.schemaPath[col.schemaPath.length - 1].element,
    schemaPath: col.schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors: compressors as Compressors,
  };
  let result: { data: ArrayLike<unknown>[]; skipped: number };
  try {
    result = readColumn(
      { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 },
      { groupStart: groupStart, selectStart: selStart, selectEnd: selEnd, groupRows: groupRows },
      decoder,
    );
  } catch (e) {
    throw new InputError(src.path, `column '${col.name}', row group at row ${groupStart}: ${(e as Error).message}`);
  }
  const values: unknown[] = [];
  let row = result.skipped;
  for (const part of result.data) {
    for (let i = 0; i < part.length; i++, row++) {
      if (row >= selStart && row < selEnd) values.push(part[i]);
    }
  }
  if (values.length !== selEnd - selStart) {
    throw new InputError(src.path, `column '${col.name}': row group at row ${groupStart} decoded ${values.length} of ${selEnd - selStart} rows`);
  }
  return values;
};

export { readFlatChunk, toScalar };
export type { Scalar };
