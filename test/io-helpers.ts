// Shared helpers for the io/ tests: a temp directory per suite, DuckDB (the oracle and the
// writer of test inputs) and an assertion that an input error names what it should.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

type DuckDBModule = typeof import("@duckdb/node-api");
type Connection = Awaited<ReturnType<DuckDBModule["DuckDBConnection"]["create"]>>;

const makeTempDir = (label: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `spec-beam-${label}-`));

const removeDir = (dir: string): void => fs.rmSync(dir, { recursive: true, force: true });

/** Bytes of the files under p (p itself when a file); 0 when p does not exist. */
const duBytes = (p: string): number => {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  return st.isDirectory() ? fs.readdirSync(p).reduce((t, e) => t + duBytes(path.join(p, e)), 0) : st.size;
};

const openDuckDb = async (): Promise<Connection> => {
  const duck = require("@duckdb/node-api") as DuckDBModule;
  const instance = await duck.DuckDBInstance.create(":memory:");
  return instance.connect();
};

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const queryRows = async (db: Connection, sql: string): Promise<unknown[][]> => (await db.runAndReadAll(sql)).getRowsJS() as unknown[][];

// The error must be thrown and its message must contain every fragment.
const assertThrowsNaming = (f: () => unknown, fragments: (string | RegExp)[]): void => {
  let message: string | undefined;
  try {
    f();
  } catch (e) {
    message = (e as Error).message;
  }
  assert.ok(message !== undefined, `expected an error naming ${fragments.join(", ")}`);
  for (const frag of fragments) {
    if (typeof frag === "string") assert.ok(message.includes(frag), `error "${message}" should mention "${frag}"`);
    else assert.match(message, frag);
  }
};

export { makeTempDir, removeDir, duBytes, openDuckDb, sqlString, queryRows, assertThrowsNaming };
export type { Connection };
