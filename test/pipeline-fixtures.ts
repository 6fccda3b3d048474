// Inputs for the pipeline tests: planted-cluster embeddings written as Parquet by DuckDB (as users' tools write
// them) or as .npy, and a helper that runs `compare` and captures its error.
import * as fs from "fs";
import * as path from "path";
import { openDuckDb, sqlString, Connection } from "./io-helpers";
import { resolveConfig } from "../configs/load";
import { runCompare, CompareResult } from "../pipelines/compare";

interface Table {
  ids: string[];
  x: number[][];
  y: number[][];
  label: string[];
}

/** Deterministic uniform noise (the test must not depend on Math.random). */
const noise = (seed: number) => {
  let s = seed >>> 0 || 1;
  return (): number => {
    s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) >>> 0;
    s = (s + 0x6d2b79f5) >>> 0;
    return (s >>> 8) / 2 ** 24 - 0.5;
  };
};

/**
 * Three groups of `per` samples. X puts A, B and C at three separate centres; Y puts A and B at the same centre
 * (it merges them) and C apart. docs/method.md O8: +1 separates A from B, -1 is A u B, eigenvalues ~ +-per/n.
 */
const plantedTable = (per: number, d: number, seed = 7): Table => {
  const r = noise(seed);
  const t: Table = { ids: [], x: [], y: [], label: [] };
  const groups = ["A", "B", "C"];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < per; i++) {
      const x = new Array(d).fill(0).map(() => 0.15 * r());
      const y = new Array(d).fill(0).map(() => 0.15 * r());
      x[g] += 4; // A: e0, B: e1, C: e2
      y[g === 2 ? 1 : 0] += 4; // A, B: e0 (merged), C: e1
      t.ids.push(`s${g}-${String(i).padStart(4, "0")}`);
      t.x.push(x);
      t.y.push(y);
      t.label.push(groups[g]);
    }
  }
  return t;
};

const floatList = (v: number[]): string => `[${v.map((a) => a.toPrecision(9)).join(", ")}]::FLOAT[]`;

/** Writes the table with DuckDB: id VARCHAR, label VARCHAR, x FLOAT[], y FLOAT[] (rowGroupSize rows per group). */
const writeTableParquet = async (file: string, t: Table, opts: { rowGroupSize?: number; db?: Connection } = {}) => {
  const db = opts.db ?? (await openDuckDb());
  const values = t.ids.map((id, i) => `(${sqlString(id)}, ${sqlString(t.label[i])}, ${floatList(t.x[i])}, ${floatList(t.y[i])}, ${i})`);
  await db.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES ${values.join(", ")}) v(id, label, x, y, ord)`);
  await db.run(`COPY (SELECT id, label, x, y FROM t ORDER BY ord) TO ${sqlString(file)} ` +
    `(FORMAT parquet, ROW_GROUP_SIZE ${opts.rowGroupSize ?? 100})`);
};

interface RunOutcome {
  result?: CompareResult;
  error?: Error;
}

const runQuiet = async (flags: Record<string, unknown>): Promise<RunOutcome> => {
  try {
    const cfg = resolveConfig({ flags: flags });
    return { result: await runCompare(cfg, { progress: false }) };
  } catch (e) {
    return { error: e as Error };
  }
};

/** Nothing that looks like a result: no output directory and nothing of the run beside it. */
const nothingPublished = (out: string): boolean => {
  if (fs.existsSync(out)) return false;
  const dir = path.dirname(out);
  if (!fs.existsSync(dir)) return true;
  // nor a temporary directory, lock or aside copy beside it
  return !fs.readdirSync(dir).some((f) => f.startsWith(`.${path.basename(out)}.`));
};

export { plantedTable, writeTableParquet, runQuiet, nothingPublished, Table, noise, RunOutcome };
