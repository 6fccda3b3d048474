// Parquet inputs: metadata-only inspection and validated row reads.
import { openBytes } from "./bytes";
import type { ByteSource } from "./bytes";
import { InputError } from "./errors";
import type { ColumnMetaData, FileMetaData } from "./hyparquet";
import { flatColumn, listColumns, readFooter, topLevelColumns, vectorColumn } from "./parquet-footer";
import type { FlatColumn, VectorColumn } from "./parquet-footer";
import { readFlatChunk, toScalar } from "./parquet-flat";
import { firstRowDim, readVectorChunk } from "./parquet-vector";
import type { FloatArray } from "./parquet-vector";
import type { RowBlock, Scalar, SourceInfo, SourceOptions } from "./source-info";

const chooseVectorColumn = (meta: FileMetaData, file: string, column: string | undefined): VectorColumn => {
  if (column !== undefined) return vectorColumn(meta, file, column);
  const candidates = listColumns(meta, file);
  if (candidates.length === 1) return vectorColumn(meta, file, candidates[0]);
  if (candidates.length === 0) {
    throw new InputError(file, `no list<float|double> vector column (columns: ${topLevelColumns(meta).join(", ")})`);
  }
  throw new InputError(file, `several vector columns (${candidates.join(", ")}); choose one with the column option`);
};

const chunkOf = (meta: FileMetaData, group: number, leafPath: string[]): ColumnMetaData => {
  const key = leafPath.join("\u0000");
  const cc = meta.row_groups[group].columns.find((c) => c.meta_data?.path_in_schema.join("\u0000") === key);
  if (!cc?.meta_data) throw new Error(`row group ${group} has no chunk for column ${leafPath.join(".")}`);
  return cc.meta_data;
};

const idTypeOf = (file: string, col: FlatColumn): "string" | "int" => {
  if (col.physical === "INT32" || col.physical === "INT64") return "int";
  if (col.physical === "BYTE_ARRAY" || col.physical === "FIXED_LEN_BYTE_ARRAY") return "string";
  throw new InputError(file, `id column '${col.name}' has type ${col.physical}; expected a string or integer column`);
};

const groupStarts = (meta: FileMetaData): number[] => {
  const starts: number[] = [];
  let s = 0;
  for (const rg of meta.row_groups) {
    starts.push(s);
    s += Number(rg.num_rows);
  }
  return starts;
};

const inspectParquet = (path: string, opts: SourceOptions): SourceInfo => {
  const src = openBytes(path);
  const meta = readFooter(src);
  const vec = chooseVectorColumn(meta, path, opts.column);
  let idType: "string" | "int" | undefined;
  if (opts.idColumn !== undefined) idType = idTypeOf(path, flatColumn(meta, path, opts.idColumn, "id"));
  for (const m of opts.metadataColumns ?? []) flatColumn(meta, path, m, opts.metadataRoles?.[m] ?? "metadata");
  const rows = Number(meta.num_rows);
  if (rows === 0) throw new InputError(path, "empty input: the file has zero rows");
  const starts = groupStarts(meta);
  const chunks = meta.row_groups
    .map((rg, i) => ({ start: starts[i], count: Number(rg.num_rows) }))
    .filter((c) => c.count > 0);
  const first = meta.row_groups.findIndex((rg) => Number(rg.num_rows) > 0);
  const dim = firstRowDim(src, chunkOf(meta, first, vec.leafPath), vec, starts[first]);
  if (dim === 0) throw new InputError(path, `column '${vec.name}', row ${starts[first]}: vector is empty (dimension 0)`);
  return {
    path: path,
    format: "parquet",
    rows: rows,
    dim: dim,
    dtype: vec.physical === "FLOAT" ? "float32" : "float64",
    idType: idType,
    chunks: chunks,
    columns: topLevelColumns(meta),
    column: vec.name,
    idColumn: opts.idColumn,
    metadataColumns: opts.metadataColumns,
  };
};

const idString = (file: string, column: string, row: number, v: unknown): string => {
  if (v === null || v === undefined) throw new InputError(file, `column '${column}', row ${row}: id is null`);
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number") return v.toString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  throw new InputError(file, `column '${column}', row ${row}: id of unsupported kind ${typeof v}`);
};

const readParquetRows = (info: SourceInfo, start: number, count: number, opts: SourceOptions): RowBlock => {
  const path = info.path;
  const src: ByteSource = openBytes(path);
  const meta = readFooter(src);
  const vec = vectorColumn(meta, path, opts.column ?? (info.column as string));
  const idCol = opts.idColumn !== undefined ? flatColumn(meta, path, opts.idColumn, "id") : undefined;
  const metaCols = (opts.metadataColumns ?? []).map((m) => flatColumn(meta, path, m, "metadata"));
  const dim = info.dim;
  const out: FloatArray = vec.physical === "FLOAT" ? new Float32Array(count * dim) : new Float64Array(count * dim);
  const ids: string[] | null = idCol ? [] : null;
  const metadata: Record<string, Scalar[]> = {};
  for (const m of metaCols) metadata[m.name] = [];
  const starts = groupStarts(meta);
  const end = start + count;
  for (let g = 0; g < meta.row_groups.length; g++) {
    const groupRows = Number(meta.row_groups[g].num_rows);
    const gs = starts[g];
    if (gs + groupRows <= start || gs >= end || groupRows === 0) continue;
    const selStart = Math.max(start, gs) - gs;
    const selEnd = Math.min(end, gs + groupRows) - gs;
    readVectorChunk(src, chunkOf(meta, g, vec.leafPath), vec, {
      groupStart: gs,
      groupRows: groupRows,
      selStart: selStart,
      selEnd: selEnd,
      dim: dim,
      out: out,
      outRow: gs + selStart - start,
    });
    if (idCol && ids) {
      const vals = readFlatChunk(src, chunkOf(meta, g, idCol.leafPath), idCol, gs, groupRows, selStart, selEnd);
      for (let i = 0; i < vals.length; i++) ids.push(idString(path, idCol.name, gs + selStart + i, vals[i]));
    }
    for (const m of metaCols) {
      const vals = readFlatChunk(src, chunkOf(meta, g, m.leafPath), m, gs, groupRows, selStart, selEnd);
      const target = metadata[m.name];
      for (const v of vals) target.push(toScalar(v));
    }
  }
  return { ids: ids, vectors: out, metadata: metadata };
};

export { inspectParquet, readParquetRows };
