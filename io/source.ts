// One reader over every input format (Parquet, .npy, .npz; local or gs://). `inspectSource`
// reads headers only and returns a plain-JSON SourceInfo; `readRows` reads and validates a row
// range. Both are synchronous, for use inside Beam DoFns.
//
// Parquet library choice, measured on this project's 2-core VM (Node 20.20, noisy: ranges are
// repeated runs). Input: DuckDB-written FLOAT[768] x 20,000 rows, 61.6 MB snappy, one row
// group; wall time to get the vector column into memory:
//   @dsnp/parquetjs 1.8 cursor (async only)         21.8 - 25.8 s; fails on DuckDB
//                                                    PARQUET_VERSION v2 (DELTA_BINARY_PACKED)
//   hyparquet 1.33 parquetReadObjects (async)        3.1 - 11.4 s  (GC-bound: a JS array per row)
//   hyparquet readColumn (its sync internals)        7.8 - 10.8 s
//   io/parquet-vector.ts (typed arrays, sync)        0.43 - 0.49 s (uncompressed 0.26 - 0.46 s;
//     DOUBLE[768] 0.9 - 1.8 s; v2 BYTE_STREAM_SPLIT 0.67 - 1.05 s; FLOAT[768] fixed 0.32 - 0.51 s)
// Both libraries read every DuckDB and pyarrow layout tried except as noted; neither is
// synchronous at the row level. So vectors go through our decoder (levels + PLAIN /
// BYTE_STREAM_SPLIT / dictionary values straight into Float32Array/Float64Array), reusing
// hyparquet's synchronous footer, page-header and flat-column decoding (ids, metadata).
// Not supported: ZSTD on Node < 22.15 (clear error), LZO, encrypted files.
import { InputError } from "./errors";
import { openBytes } from "./bytes";
import { isNpy } from "./npy";
import { inspectNpy, inspectNpz, readNpyRows } from "./npy-read";
import { isZip } from "./npz";
import { inspectParquet, readParquetRows } from "./parquet-read";
import type { RowBlock, SourceInfo, SourceOptions } from "./source-info";
import { readIdsFile } from "./ids-file";

const sniffFormat = (path: string): "parquet" | "npy" | "npz" => {
  const src = openBytes(path);
  if (src.size === 0) throw new InputError(path, "empty file (0 bytes)");
  const head = src.read(0, Math.min(8, src.size));
  if (head.length >= 4 && head.toString("latin1", 0, 4) === "PAR1") return "parquet";
  if (isNpy(head)) return "npy";
  if (isZip(head)) return "npz";
  if (/\.parquet$/i.test(path)) return "parquet"; // let the footer check explain what is wrong
  throw new InputError(path, "not a Parquet, .npy or .npz file (unrecognised leading bytes)");
};

const inspectSource = (path: string, opts: SourceOptions = {}): SourceInfo => {
  const format = sniffFormat(path);
  if (format === "parquet") return inspectParquet(path, opts);
  // ids of .npy/.npz rows come from an ids file; the "column" of an .npz is the name of one of its arrays
  if (opts.idColumn !== undefined) {
    throw new InputError(path, `an id column applies to Parquet inputs; give the ids of this .${format} file's rows ` +
      "in an ids file (--x-ids-file / --y-ids-file), or none to number the rows");
  }
  if (format === "npy") {
    if (opts.column !== undefined) {
      throw new InputError(path, `a .npy file holds one array; the column '${opts.column}' (--x-column / --y-column) ` +
        "applies to Parquet tables and .npz archives");
    }
    return inspectNpy(path, opts);
  }
  return inspectNpz(path, { ...opts, npzKey: opts.npzKey ?? opts.column, column: undefined });
};

const readRows = (info: SourceInfo, start: number, count: number, opts?: SourceOptions): RowBlock => {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > info.rows) {
    throw new InputError(info.path, `row range ${start}+${count} is outside the ${info.rows} rows of the file`);
  }
  // The selection recorded at inspection, overridden by any option given here.
  const o: SourceOptions = {
    column: opts?.column ?? info.column,
    idColumn: opts?.idColumn ?? info.idColumn,
    metadataColumns: opts?.metadataColumns ?? info.metadataColumns,
    npzKey: opts?.npzKey ?? info.npzKey,
    idsFile: opts?.idsFile ?? info.idsFile,
  };
  return info.format === "parquet" ? readParquetRows(info, start, count, o) : readNpyRows(info, start, count, o);
};

export { inspectSource, readRows, readIdsFile };
export type { SourceInfo, SourceOptions, RowBlock };
