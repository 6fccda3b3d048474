// The run history (`--history PATH`): one Parquet file, local or gs://, one row per published run. An append
// rewrites the whole (small) file, atomically: locally a new file renamed over the old one under a lock file
// (".NAME.lock", created exclusively; a lock whose owner process is gone is taken over); on gs:// a compare-and-swap
// on the object's generation, retried when another run appended first. A crash at any point leaves the previous
// history intact, and concurrent runs both land. A file at PATH that is not a spec-beam history is refused, never
// overwritten.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { HistoryError } from "./errors";
import { openBytes } from "./bytes";
import { readFlatTable, memorySource } from "./flat-table";
import { encodeParquet, ColumnType } from "./parquet-write";
import { gcsReadGen, gcsWriteIf, isGcsPath } from "./gcs";
import type { Scalar } from "./parquet-flat";
import { faultPoint } from "./fault";
import { acquireLock, LockBusyError } from "./run-lock";
import { newOwnerTag, pidAlive } from "./run-owner";

/** The history's columns, in order, with their Parquet types (nullable: a run without CKA, say). */
const HISTORY_COLUMNS: [string, ColumnType][] = [
  ["when", "string"], ["name", "string"], ["config_hash", "string"], ["out", "string"], ["runner", "string"],
  ["n", "int64"], ["x", "string"], ["y", "string"], ["inputs", "string"], ["inputs_fingerprint", "string"],
  ["spec_diff", "double"], ["spec_diff_x_minus_y", "double"], ["spec_diff_y_minus_x", "double"], ["cka", "double"],
  ["eigenvalues_positive", "string"], ["eigenvalues_negative", "string"], ["pipeline_seconds", "double"],
  ["total_seconds", "double"], ["tool_version", "string"],
];

type HistoryRow = Record<string, Scalar>;

const notHistory = (p: string, cols: string[]): HistoryError =>
  new HistoryError(`${p}: not a spec-beam history (columns ${cols.join(", ")}); refusing to overwrite it`);

/** The rows of the history at p (bytes already read), checking that it is one. */
const rowsOf = (p: string, src: ReturnType<typeof openBytes>): HistoryRow[] => {
  let t: ReturnType<typeof readFlatTable>;
  try {
    t = readFlatTable(src);
  } catch (e) {
    throw new HistoryError(`${p}: not a readable Parquet history (${(e as Error).message}); refusing to overwrite it`);
  }
  const want = HISTORY_COLUMNS.map((c) => c[0]);
  if (t.columns.length !== want.length || t.columns.some((c, i) => c !== want[i])) throw notHistory(p, t.columns);
  const rows: HistoryRow[] = [];
  for (let i = 0; i < t.rows; i++) {
    const row: HistoryRow = {};
    for (const c of want) row[c] = t.values[c][i];
    rows.push(row);
  }
  return rows;
};

const encode = (rows: HistoryRow[]): Uint8Array =>
  encodeParquet(HISTORY_COLUMNS.map(([name, type]) => ({
    name: name, type: type, nullable: true,
    values: type === "double" ? rows.map((r) => (r[name] === null ? null : Number(r[name]))) : rows.map((r) => r[name]),
  })));

/** Every row of the history at p, oldest first ([] when there is none yet). */
const readHistory = (p: string): HistoryRow[] => {
  if (isGcsPath(p)) {
    const r = gcsReadGen(p);
    return r ? rowsOf(p, memorySource(p, r.bytes, r.generation)) : [];
  }
  return fs.existsSync(p) ? rowsOf(p, openBytes(p)) : [];
};

/**
 * The run lock of io/run-lock.ts on the history file (".NAME.lock": created whole, its owner's liveness checked by
 * pid and process start, a dead owner's lock taken over), waited for up to `waitMs` while another run appends.
 */
const takeLock = (p: string, waitMs: number): (() => void) => {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return acquireLock(p, false, newOwnerTag(), "history").release;
    } catch (e) {
      if (!(e instanceof LockBusyError)) throw e;
      if (Date.now() > deadline) throw new HistoryError(`${p}: still locked after ${waitMs / 1000} s: ${e.message}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
};

/** Temporaries of appends whose process died (kill -9 between writing and renaming): ours by name, safe to remove. */
const removeDeadTemporaries = (p: string): void => {
  const dir = path.dirname(p);
  const re = new RegExp(`^\\.${path.basename(p).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  for (const f of fs.readdirSync(dir)) {
    const m = re.exec(f);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(dir, f), { force: true });
  }
};

/** Appends one row to the history at p (created if absent). */
const appendHistory = (p: string, row: HistoryRow): void => {
  if (isGcsPath(p)) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = gcsReadGen(p);
      const rows = r ? rowsOf(p, memorySource(p, r.bytes, r.generation)) : [];
      if (gcsWriteIf(p, encode([...rows, row]), r ? r.generation : "0") !== undefined) return;
    }
    throw new HistoryError(`${p}: 20 other runs appended to the history while this one tried; not recorded`);
  }
  fs.mkdirSync(path.dirname(path.resolve(p)), { recursive: true });
  const release = takeLock(p, 60000);
  removeDeadTemporaries(p);
  const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  try {
    const rows = fs.existsSync(p) ? rowsOf(p, openBytes(p)) : [];
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, encode([...rows, row]));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    faultPoint("history");
    fs.renameSync(tmp, p);
  } finally {
    fs.rmSync(tmp, { force: true });
    release();
  }
};

export { appendHistory, readHistory, HISTORY_COLUMNS, HistoryRow };
