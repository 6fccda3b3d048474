// A small Parquet table of flat columns read whole (a run history): every top-level column, every row, as
// JavaScript values (strings, numbers; int64 as number; null where null). From a path or from bytes in memory.
import type { ByteSource } from "./bytes";
import { readFooter, topLevelColumns, flatColumn } from "./parquet-footer";
import { readFlatChunk, toScalar, Scalar } from "./parquet-flat";

const memorySource = (path: string, bytes: Uint8Array, version: string): ByteSource => ({
  path: path,
  size: bytes.length,
  version: version,
  read: (offset: number, length: number): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset + offset, length),
});

/** Columns by name, each with one value per row, in file order. */
const readFlatTable = (src: ByteSource): { columns: string[]; rows: number; values: Record<string, Scalar[]> } => {
  const meta = readFooter(src);
  const names = topLevelColumns(meta);
  const values: Record<string, Scalar[]> = {};
  for (const name of names) {
    const col = flatColumn(meta, src.path, name, "history");
    const out: Scalar[] = [];
    let start = 0;
    for (const rg of meta.row_groups) {
      const rows = Number(rg.num_rows);
      const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.join("\u0000") === col.leafPath.join("\u0000"));
      if (!chunk?.meta_data) throw new Error(`${src.path}: row group at row ${start} has no chunk for column ${name}`);
      if (rows > 0) for (const v of readFlatChunk(src, chunk.meta_data, col, start, rows, start, start + rows)) out.push(toScalar(v));
      start += rows;
    }
    values[name] = out;
  }
  return { columns: names, rows: Number(meta.num_rows), values: values };
};

export { readFlatTable, memorySource };
