// writeParquet: flat outputs that DuckDB reads back with the declared types and the exact
// values (nulls included); bad columns are refused before anything is written.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { writeParquet } from "../io/parquet-write";
import type { OutputColumn } from "../io/parquet-write";
import { makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";
import type { Connection } from "./io-helpers";

describe("io/parquet-write: writeParquet read back by DuckDB", function () {
  let dir = "";
  let db: Connection;
  before(async () => {
    dir = makeTempDir("parquet-write");
    db = await openDuckDb();
  });
  after(() => removeDir(dir));

  const n = 2500;
  const ids = Array.from({ length: n }, (_, i) => `img_${i}`);
  const columns = (): OutputColumn[] => [
    { name: "id", type: "string", values: ids },
    { name: "rank", type: "int32", values: Int32Array.from({ length: n }, (_, i) => i - 1000) },
    { name: "label", type: "int64", values: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? BigInt(i) * 10000000000n : i)) },
    { name: "score", type: "double", values: Float64Array.from({ length: n }, (_, i) => Math.sin(i) / 3) },
    { name: "score32", type: "float", values: Float32Array.from({ length: n }, (_, i) => Math.cos(i)) },
    { name: "flag", type: "boolean", values: Array.from({ length: n }, (_, i) => i % 4 === 1) },
    { name: "caption", type: "string", nullable: true, values: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `c${i}`)) },
    { name: "maybe", type: "double", nullable: true, values: Array.from({ length: n }, (_, i) => (i % 2 ? i / 2 : null)) },
  ];

  it("every column type arrives with its DuckDB type and exact values", async function () {
    const f = path.join(dir, "scores.parquet");
    const cols = columns();
    writeParquet(f, cols, { rowGroupSize: 1000 });
    const types = await queryRows(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${sqlString(f)})`);
    assert.deepEqual(types, [
      ["id", "VARCHAR"],
      ["rank", "INTEGER"],
      ["label", "BIGINT"],
      ["score", "DOUBLE"],
      ["score32", "FLOAT"],
      ["flag", "BOOLEAN"],
      ["caption", "VARCHAR"],
      ["maybe", "DOUBLE"],
    ]);
    const rows = await queryRows(db, `SELECT * FROM ${sqlString(f)}`);
    assert.equal(rows.length, n);
    // A plain loop, not cols.map(c => ...values[i]): ts-closure-transform breaks a for-loop
    // variable captured by a closure in the loop body (ReferenceError at run time).
    for (let i = 0; i < n; i++) {
      const want: unknown[] = [];
      for (const c of cols) {
        const v = c.values[i];
        want.push(typeof v === "number" && c.type === "int64" ? BigInt(v) : (v ?? null));
      }
      assert.deepEqual(rows[i], want, `row ${i}`);
    }
    const groups = await queryRows(db, `SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(f)})`);
    assert.equal(Number(groups[0][0]), 3, "rowGroupSize 1000 gives 3 row groups for 2500 rows");
    const nullable = await queryRows(db, `SELECT name, repetition_type FROM parquet_schema(${sqlString(f)}) WHERE name IN ('id', 'caption')`);
    assert.deepEqual(Object.fromEntries(nullable.map((r) => [r[0], r[1]])), { id: "REQUIRED", caption: "OPTIONAL" });
  });

  it("zero rows still give a readable file with the schema", async function () {
    const f = path.join(dir, "empty.parquet");
    writeParquet(f, [{ name: "rank", type: "int32", values: [] }, { name: "eigenvalue", type: "double", values: [] }]);
    const rows = await queryRows(db, `SELECT count(*) FROM ${sqlString(f)}`);
    assert.equal(Number(rows[0][0]), 0);
  });

  it("refuses nulls in non-nullable columns, wrong kinds and uneven lengths, writing nothing", function () {
    const f = path.join(dir, "bad.parquet");
    assert.throws(() => writeParquet(f, [{ name: "id", type: "string", values: ["a", null] }]), /column 'id' row 1: null/);
    assert.throws(() => writeParquet(f, [{ name: "k", type: "int32", values: [1, 2.5] }]), /column 'k' row 1/);
    assert.throws(() => writeParquet(f, [{ name: "k", type: "int32", values: [2 ** 31] }]), /32-bit/);
    assert.throws(() => writeParquet(f, [{ name: "s", type: "double", values: ["1"] }]), /column 's' row 0/);
    assert.throws(
      () => writeParquet(f, [{ name: "a", type: "double", values: [1, 2] }, { name: "b", type: "double", values: [1] }]),
      /'b' has 1 values/,
    );
    assert.ok(!fs.existsSync(f));
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.includes(".tmp")), [], "no temporary file left behind");
  });
});
