// Vectors of a few rows picked anywhere in a side's files (the report's top samples), by global row index.
// Parquet rows are read a row group at a time (each group needed is decoded once); .npy/.npz rows one by one.
import { readRows } from "./source";
import type { SourceInfo, SourceOptions } from "./source-info";

/** The vector of each global row in `rows` (indices into the concatenation of `files`), in the order given. */
const readRowsAt = (files: SourceInfo[], options: SourceOptions, rows: number[]): Float64Array[] => {
  const out = new Array<Float64Array>(rows.length);
  const wanted = rows.map((r, i) => ({ r: r, i: i })).sort((a, b) => a.r - b.r);
  let fileStart = 0;
  let w = 0;
  for (const f of files) {
    const fileEnd = fileStart + f.rows;
    const here: { local: number; i: number }[] = [];
    while (w < wanted.length && wanted[w].r < fileEnd) {
      if (wanted[w].r < fileStart) throw new RangeError(`readRowsAt: row ${wanted[w].r} is negative`);
      here.push({ local: wanted[w].r - fileStart, i: wanted[w].i });
      w++;
    }
    const byRange = new Map<string, { start: number; count: number; picks: { local: number; i: number }[] }>();
    for (const h of here) {
      const chunk = f.format === "parquet" ? f.chunks.find((c) => h.local >= c.start && h.local < c.start + c.count) : undefined;
      const start = chunk ? chunk.start : h.local;
      const count = chunk ? chunk.count : 1;
      const key = `${start}`;
      const entry = byRange.get(key) ?? { start: start, count: count, picks: [] };
      entry.picks.push(h);
      byRange.set(key, entry);
    }
    for (const e of byRange.values()) {
      const block = readRows(f, e.start, e.count, { ...options, idColumn: undefined, metadataColumns: [] });
      const d = f.dim;
      for (const p of e.picks) {
        const at = (p.local - e.start) * d;
        out[p.i] = Float64Array.from(block.vectors.subarray(at, at + d));
      }
    }
    fileStart = fileEnd;
  }
  if (w < wanted.length) throw new RangeError(`readRowsAt: row ${wanted[w].r} is beyond the ${fileStart} rows`);
  return out;
};

export { readRowsAt };
