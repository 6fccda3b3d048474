// writeParquet vector columns (float_list / double_list): DuckDB sees FLOAT[] / DOUBLE[] with the
// exact values, our reader (io/source.ts) reads them back bit for bit across row groups and
// pages, and malformed vectors are refused before anything is written.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { openBytes } from "../io/bytes";
import type { ColumnMetaData } from "../io/hyparquet";
import { readFooter } from "../io/parquet-footer";
import { PageCursor } from "../io/parquet-pages";
import { writeParquet } from "../io/parquet-write";
import type { ParquetColumn, WriteOptions } from "../io/parquet-write";
import { inspectSource, readRows } from "../io/source";
import { Prng } from "../method/prng";
import { makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";
import type { Connection } from "./io-helpers";

// Values spanning many magnitudes and both signs, so a lossy or reordered copy cannot pass.
const randomValues = (n: number, seed: number, double: boolean): Float32Array | Float64Array => {
  const rng = new Prng(seed, "list-write-test");
  const out = double ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * 10 ** (rng.below(13) - 6);
  return out;
};

const countPages = (file: string, rowGroup: number, column: number): number => {
  const meta = readFooter(openBytes(file));
  const cursor = new PageCursor(openBytes(file), meta.row_groups[rowGroup].columns[column].meta_data as ColumnMetaData, 1 << 20);
  let pages = 0;
  while (cursor.nextHeader()) pages++;
  return pages;
};

describe("io/parquet-write: vector columns (list<float>, list<double>)", function () {
  this.timeout(60000);
  let dir = "";
  let db: Connection;
  before(async () => {
    dir = makeTempDir("parquet-list-write");
    db = await openDuckDb();
  });
  after(() => removeDir(dir));

  const n = 2503;
  const d32 = 37;
  const d64 = 5;
  const v32 = randomValues(n * d32, 1, false) as Float32Array;
  const v64 = randomValues(n * d64, 2, true) as Float64Array;
  const ids = Array.from({ length: n }, (_, i) => `row-${i}`);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 11);
  // Vector columns between flat ones: the chunks of a row group must follow the schema order.
  const table = (): ParquetColumn[] => [
    { name: "id", type: "string", values: ids },
    { name: "emb", type: "float_list", values: v32, dim: d32 },
    { name: "label", type: "int32", values: labels },
    { name: "emb64", type: "double_list", values: v64, dim: d64 },
  ];

  // A helper rather than a loop: ts-closure-transform breaks loop variables captured by closures.
  const duckDbCase = (codec: "SNAPPY" | "UNCOMPRESSED"): void => {
    it(`${codec}: DuckDB reads FLOAT[] / DOUBLE[] with exact values over several row groups and pages`, async function () {
      const f = path.join(dir, `table-${codec}.parquet`);
      const opts: WriteOptions = { rowGroupSize: 1000, pageSize: 4096, vectorCodec: codec };
      writeParquet(f, table(), opts);
      const types = await queryRows(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${sqlString(f)})`);
      assert.deepEqual(types, [["id", "VARCHAR"], ["emb", "FLOAT[]"], ["label", "INTEGER"], ["emb64", "DOUBLE[]"]]);
      const groups = await queryRows(db, `SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(f)})`);
      assert.equal(Number(groups[0][0]), 3, "rowGroupSize 1000 gives 3 row groups for 2503 rows");
      assert.ok(countPages(f, 1, 1) > 5, "4 KiB pages split a 148 KB chunk into many pages");
      const rows = await queryRows(db, `SELECT id, emb, label, emb64 FROM ${sqlString(f)}`);
      assert.equal(rows.length, n);
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        assert.equal(r[0], ids[i]);
        assert.equal(r[2], labels[i]);
        assert.deepEqual(r[1], Array.from(v32.subarray(i * d32, (i + 1) * d32)), `emb row ${i}`);
        assert.deepEqual(r[3], Array.from(v64.subarray(i * d64, (i + 1) * d64)), `emb64 row ${i}`);
      }
    });
  };
  duckDbCase("SNAPPY");
  duckDbCase("UNCOMPRESSED");

  it("our reader reads both columns back bit for bit, from any row range across row groups", function () {
    const f = path.join(dir, "ours.parquet");
    writeParquet(f, table(), { rowGroupSize: 700, pageSize: 2000 });
    const info = inspectSource(f, { column: "emb", idColumn: "id", metadataColumns: ["label"] });
    assert.equal(info.rows, n);
    assert.equal(info.dim, d32);
    assert.equal(info.dtype, "float32");
    assert.deepEqual(info.chunks.map((c) => c.count), [700, 700, 700, 403]);
    const all = readRows(info, 0, n);
    assert.deepEqual(all.vectors, v32);
    assert.deepEqual(all.ids, ids);
    assert.deepEqual(all.metadata.label, Array.from(labels));
    const across = readRows(info, 650, 800);
    assert.deepEqual(across.vectors, v32.subarray(650 * d32, 1450 * d32));
    const info64 = inspectSource(f, { column: "emb64" });
    assert.equal(info64.dtype, "float64");
    assert.equal(info64.dim, d64);
    assert.deepEqual(readRows(info64, 0, n).vectors, v64);
  });

  it("default row groups hold ~128 MiB of vectors; a demo-shaped table (784-d) round-trips", function () {
    const rows = 1500;
    const dim = 784;
    const pixels = new Float32Array(rows * dim);
    for (let i = 0; i < pixels.length; i++) pixels[i] = i % 5 === 0 ? (i % 256) / 255 : 0;
    const f = path.join(dir, "demo-shaped.parquet");
    writeParquet(f, [
      { name: "id", type: "string", values: Array.from({ length: rows }, (_, i) => `d${i}`) },
      { name: "pixels", type: "float_list", values: pixels, dim: dim },
    ]);
    const info = inspectSource(f, { column: "pixels" });
    assert.equal(info.chunks.length, 1, "1500 rows of 3 KiB are one default row group");
    const flat = path.join(dir, "flat-default.parquet");
    writeParquet(flat, [{ name: "id", type: "string", values: Array.from({ length: rows }, (_, i) => `d${i}`) }]);
    assert.equal(readFooter(openBytes(flat)).row_groups.length, 2, "flat-only tables keep hyparquet-writer's 1000-row first group");
    assert.deepEqual(readRows(info, 0, rows).vectors, pixels);
    assert.ok(fs.statSync(f).size < pixels.byteLength / 2, "snappy (the default) shrinks mostly-zero vectors");
  });

  it("a Float64Array written as float_list is stored as float32 (rounded), and the reverse widens exactly", function () {
    const f = path.join(dir, "convert.parquet");
    const wide = randomValues(40 * 3, 3, true) as Float64Array;
    const narrow = randomValues(40 * 3, 4, false) as Float32Array;
    writeParquet(f, [
      { name: "a", type: "float_list", values: wide, dim: 3 },
      { name: "b", type: "double_list", values: narrow, dim: 3 },
    ]);
    const a = readRows(inspectSource(f, { column: "a" }), 0, 40).vectors;
    const b = readRows(inspectSource(f, { column: "b" }), 0, 40).vectors;
    assert.ok(a instanceof Float32Array);
    assert.ok(b instanceof Float64Array);
    assert.deepEqual(a, Float32Array.from(wide));
    assert.deepEqual(Array.from(b), Array.from(narrow));
  });

  it("zero rows: a readable file whose vector column is still FLOAT[]", async function () {
    const f = path.join(dir, "empty.parquet");
    writeParquet(f, [{ name: "id", type: "string", values: [] }, { name: "v", type: "float_list", values: new Float32Array(0), dim: 8 }]);
    const types = await queryRows(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${sqlString(f)})`);
    assert.deepEqual(types, [["id", "VARCHAR"], ["v", "FLOAT[]"]]);
    assert.equal(Number((await queryRows(db, `SELECT count(*) FROM ${sqlString(f)}`))[0][0]), 0);
  });

  it("refuses bad vectors, naming column, row and element, and writes nothing", function () {
    const f = path.join(dir, "bad.parquet");
    const withNan = new Float32Array(4 * 6);
    withNan[2 * 6 + 4] = NaN;
    const withInf = new Float64Array(4 * 6);
    withInf[3 * 6 + 1] = -Infinity;
    assert.throws(() => writeParquet(f, [{ name: "v", type: "float_list", values: withNan, dim: 6 }]), /column 'v': row 2, element 4: non-finite value NaN/);
    assert.throws(() => writeParquet(f, [{ name: "w", type: "double_list", values: withInf, dim: 6 }]), /column 'w': row 3, element 1: non-finite/);
    assert.throws(() => writeParquet(f, [{ name: "v", type: "float_list", values: new Float32Array(10), dim: 3 }]), /column 'v': 10 values are not a whole number of rows of dim 3/);
    assert.throws(() => writeParquet(f, [{ name: "v", type: "float_list", values: new Float32Array(6), dim: 0 }]), /column 'v': dim must be a positive integer/);
    const notTyped = [1, 2, 3] as unknown as Float32Array;
    assert.throws(() => writeParquet(f, [{ name: "v", type: "float_list", values: notTyped, dim: 3 }]), /column 'v': vector values must be a Float32Array or Float64Array/);
    assert.throws(
      () => writeParquet(f, [{ name: "id", type: "string", values: ["a", "b"] }, { name: "v", type: "float_list", values: new Float32Array(9), dim: 3 }]),
      /column 'v' has 3 rows, 'id' has 2/,
    );
    assert.throws(() => writeParquet(f, [{ name: "v", type: "float_list", values: new Float32Array(6), dim: 3 }], { rowGroupSize: 0 }), /rowGroupSize must be a positive integer/);
    assert.ok(!fs.existsSync(f));
    assert.deepEqual(fs.readdirSync(dir).filter((x) => x.includes(".tmp")), [], "no temporary file left behind");
  });
});
