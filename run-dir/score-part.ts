// The score part files' columns (id, row, metadata, one score column per mode): written by the score pass's workers
// and by the exact method, so both produce files with the same schema.
import { writeParquet, OutputColumn } from "../io/parquet-write";
import { storeFile } from "../io/run-store";
import { MetaValue, scoreColumn } from "./layout";
import { pendingPartPath } from "./files";

/** Parquet type of a metadata column: numbers stay numbers (int64 when all integral), mixed kinds become strings. */
const metaColumnType = (values: (MetaValue | undefined)[]): OutputColumn["type"] => {
  let allInt = true;
  let kind: "number" | "string" | "boolean" | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t = typeof v as "number" | "string" | "boolean";
    if (kind === null) kind = t;
    else if (kind !== t) return "string";
    if (t === "number" && !Number.isInteger(v)) allInt = false;
  }
  if (kind === "number") return allInt ? "int64" : "double";
  if (kind === "boolean") return "boolean";
  return "string";
};

/** The rows of one part: their ids, global row numbers and metadata. */
interface PartRows {
  rows: number;
  ids: string[];
  rowIndex: (i: number) => number;
  metadata: Record<string, MetaValue[]>;
}

/** Writes one part into the pending directory (commitScoreParts publishes it): `scores` is rows x modes.length. */
/**
 * One part: id, row, the metadata, a score column per mode and the extra columns (the map's coordinates, minus
 * their offsets). `scores` is rows x stride: the modes' columns first, then the extras'.
 */
const writeScorePart = (dir: string, name: string, rows: PartRows, metaCols: string[], modes: string[],
                        scores: Float64Array, stride = modes.length,
                        extra: { names: string[]; offsets: Float64Array } = { names: [], offsets: new Float64Array(0) }): void => {
  const K = modes.length;
  const columns: OutputColumn[] = [
    { name: "id", type: "string", values: rows.ids },
    { name: "row", type: "int64", values: Array.from({ length: rows.rows }, (_, i) => rows.rowIndex(i)) },
  ];
  for (const c of metaCols) {
    columns.push({ name: c, type: metaColumnType(rows.metadata[c]), values: rows.metadata[c],
      nullable: rows.metadata[c].some((v) => v === null) });
  }
  for (let j = 0; j < K; j++) {
    const col = new Float64Array(rows.rows);
    for (let i = 0; i < rows.rows; i++) col[i] = scores[i * stride + j];
    columns.push({ name: scoreColumn(modes[j]), type: "double", values: col });
  }
  for (let e = 0; e < extra.names.length; e++) {
    const col = new Float64Array(rows.rows);
    for (let i = 0; i < rows.rows; i++) col[i] = scores[i * stride + K + e] - extra.offsets[e];
    columns.push({ name: extra.names[e], type: "double", values: col });
  }
  writeParquet(storeFile(dir, pendingPartPath(name)), columns);
};

export { metaColumnType, writeScorePart, PartRows };
