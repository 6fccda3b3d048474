// Reading Parquet inputs as DuckDB writes them: every vector layout, id type, row-group
// layout, page version and codec, checked value for value against DuckDB's own reading, then
// every class of bad input, whose error must name the file, the row and the column.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { openBytes } from "../io/bytes";
import type { ColumnMetaData } from "../io/hyparquet";
import { readFooter } from "../io/parquet-footer";
import { PageCursor } from "../io/parquet-pages";
import { inspectSource, readRows } from "../io/source";
import type { SourceInfo } from "../io/source";
import { assertThrowsNaming, makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";
import type { Connection } from "./io-helpers";

// Deterministic, non-repeating values so any misplaced element shows.
const VALUES = (d: number, type: string): string => `list_transform(range(${d}), j -> sin(i * 7.3 + j * 1.1)::${type})`;

describe("io/source: Parquet inputs written by DuckDB", function () {
  let dir = "";
  let db: Connection;

  before(async () => {
    dir = makeTempDir("parquet-read");
    db = await openDuckDb();
  });
  after(() => removeDir(dir));

  const write = async (name: string, select: string, options = ""): Promise<string> => {
    const file = path.join(dir, name);
    await db.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet${options})`);
    return file;
  };

  // What DuckDB reads back: the oracle for vectors and ids.
  const duckColumn = async (file: string, expr: string): Promise<unknown[]> =>
    (await queryRows(db, `SELECT ${expr} FROM read_parquet(${sqlString(file)})`)).map((r) => r[0]);

  const assertVectorsMatch = async (file: string, info: SourceInfo, column: string, start: number, count: number): Promise<void> => {
    const expected = (await duckColumn(file, column)).slice(start, start + count) as number[][];
    const got = readRows(info, start, count).vectors;
    assert.equal(got.length, count * info.dim);
    for (let r = 0; r < count; r++) {
      assert.equal(expected[r].length, info.dim);
      for (let c = 0; c < info.dim; c++) {
        if (got[r * info.dim + c] !== expected[r][c]) {
          assert.fail(`row ${start + r} element ${c}: got ${got[r * info.dim + c]}, DuckDB reads ${expected[r][c]}`);
        }
      }
    }
  };

  describe("shapes", function () {
    it("FLOAT[] vectors with BIGINT ids: float32, integer ids as decimal strings", async function () {
      const f = await write("list_float.parquet", `SELECT i * 1000000007 AS id, ${VALUES(24, "FLOAT")} AS v FROM range(500) r(i)`);
      const info = inspectSource(f, { column: "v", idColumn: "id" });
      assert.equal(info.format, "parquet");
      assert.equal(info.rows, 500);
      assert.equal(info.dim, 24);
      assert.equal(info.dtype, "float32");
      assert.equal(info.idType, "int");
      assert.deepEqual(info.columns, ["id", "v"]);
      const block = readRows(info, 0, 500);
      assert.ok(block.vectors instanceof Float32Array);
      const ids = (await duckColumn(f, "id")).map((x) => String(x));
      assert.deepEqual(block.ids, ids);
      await assertVectorsMatch(f, info, "v", 0, 500);
    });

    it("DOUBLE[] vectors with VARCHAR ids: float64", async function () {
      const f = await write("list_double.parquet", `SELECT 'img_' || i AS sid, ${VALUES(10, "DOUBLE")} AS emb FROM range(300) r(i)`);
      const info = inspectSource(f, { column: "emb", idColumn: "sid" });
      assert.equal(info.dtype, "float64");
      assert.equal(info.idType, "string");
      const block = readRows(info, 0, 300);
      assert.ok(block.vectors instanceof Float64Array);
      assert.deepEqual(block.ids, await duckColumn(f, "sid"));
      await assertVectorsMatch(f, info, "emb", 0, 300);
    });

    it("fixed-size FLOAT[16] arrays and INTEGER ids", async function () {
      const f = await write("fixed.parquet", `SELECT i::INTEGER AS id, (${VALUES(16, "FLOAT")})::FLOAT[16] AS v FROM range(200) r(i)`);
      const info = inspectSource(f, { idColumn: "id" });
      assert.equal(info.column, "v", "the only vector column is chosen by default");
      assert.equal(info.dim, 16);
      assert.equal(info.idType, "int");
      assert.deepEqual(readRows(info, 0, 3).ids, ["0", "1", "2"]);
      await assertVectorsMatch(f, info, "v", 0, 200);
    });

    it("several row groups: chunks are the row groups, and row ranges cross them", async function () {
      const f = await write("groups.parquet", `SELECT i AS id, ${VALUES(8, "FLOAT")} AS v FROM range(10000) r(i)`, ", ROW_GROUP_SIZE 2048");
      const info = inspectSource(f, { idColumn: "id" });
      assert.ok(info.chunks.length > 1, `expected several row groups, got ${info.chunks.length}`);
      let next = 0;
      for (const c of info.chunks) {
        assert.equal(c.start, next);
        next += c.count;
      }
      assert.equal(next, 10000);
      const cross = info.chunks[1].start - 100;
      await assertVectorsMatch(f, info, "v", cross, 2500);
      const last = info.chunks[info.chunks.length - 1];
      await assertVectorsMatch(f, info, "v", last.start, last.count);
      assert.deepEqual(readRows(info, cross, 3).ids, [cross, cross + 1, cross + 2].map(String));
    });

    it("PARQUET_VERSION v2 (data page v2, BYTE_STREAM_SPLIT floats, delta-encoded ids)", async function () {
      const f = await write("v2.parquet", `SELECT i AS id, ${VALUES(12, "FLOAT")} AS v FROM range(700) r(i)`, ", PARQUET_VERSION v2");
      const enc = await queryRows(db, `SELECT encodings FROM parquet_metadata(${sqlString(f)}) WHERE path_in_schema LIKE 'v%'`);
      assert.match(String(enc[0][0]), /BYTE_STREAM_SPLIT/);
      const info = inspectSource(f, { idColumn: "id" });
      await assertVectorsMatch(f, info, "v", 0, 700);
      assert.deepEqual(readRows(info, 698, 2).ids, ["698", "699"]);
    });

    for (const codec of ["uncompressed", "snappy", "gzip", "brotli", "lz4_raw"]) {
      it(`dictionary-encoded floats, ${codec} compression`, async function () {
        const f = await write(
          `dict-${codec}.parquet`,
          `SELECT i AS id, list_transform(range(6), j -> ((i * 6 + j) % 7)::FLOAT / 4) AS v FROM range(4000) r(i)`,
          `, COMPRESSION ${codec}`,
        );
        const info = inspectSource(f, {});
        assert.equal(info.dim, 6);
        await assertVectorsMatch(f, info, "v", 0, 4000);
      });
    }

    it("zstd: read when this Node has zstd, else an error that names the codec and file", async function () {
      const f = await write("zstd.parquet", `SELECT ${VALUES(4, "FLOAT")} AS v FROM range(50) r(i)`, ", COMPRESSION zstd");
      if (typeof (zlib as unknown as Record<string, unknown>).zstdDecompressSync === "function") {
        await assertVectorsMatch(f, inspectSource(f, {}), "v", 0, 50);
      } else {
        assertThrowsNaming(() => inspectSource(f, {}), [f, "ZSTD"]);
      }
    });

    it("metadata columns of every flat type come back as JS scalars, nulls as null", async function () {
      const f = await write(
        "meta.parquet",
        `SELECT i AS id, ${VALUES(3, "FLOAT")} AS v, (i % 10)::INTEGER AS label,
                CASE WHEN i % 3 = 0 THEN NULL ELSE 'caption ' || i END AS caption,
                i % 2 = 0 AS flag, i / 4 AS score, i * 1000000000000 AS big, DATE '2024-01-01' + i::INTEGER AS day
         FROM range(40) r(i)`,
      );
      const cols = ["label", "caption", "flag", "score", "big", "day"];
      const info = inspectSource(f, { metadataColumns: cols });
      const block = readRows(info, 5, 30);
      const rows = Array.from({ length: 30 }, (_, k) => k + 5);
      assert.deepEqual(block.metadata.label, rows.map((i) => i % 10));
      assert.deepEqual(block.metadata.caption, rows.map((i) => (i % 3 === 0 ? null : `caption ${i}`)));
      assert.deepEqual(block.metadata.flag, rows.map((i) => i % 2 === 0));
      assert.deepEqual(block.metadata.score, rows.map((i) => i / 4));
      assert.deepEqual(block.metadata.big, rows.map((i) => i * 1000000000000));
      assert.deepEqual(block.metadata.day, rows.map((i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString()));
      assert.equal(block.ids, null, "no id column asked for: ids are row numbers (null)");
    });

    it("X and Y in one table: each vector column by name; no default when there are two", async function () {
      const f = await write("xy.parquet", `SELECT i AS id, ${VALUES(5, "FLOAT")} AS x, ${VALUES(7, "DOUBLE")} AS y FROM range(100) r(i)`);
      assertThrowsNaming(() => inspectSource(f, {}), [f, "x, y"]);
      const x = inspectSource(f, { column: "x" });
      const y = inspectSource(f, { column: "y" });
      assert.equal(x.dim, 5);
      assert.equal(y.dim, 7);
      await assertVectorsMatch(f, x, "x", 0, 100);
      await assertVectorsMatch(f, y, "y", 0, 100);
    });

    it("many pages per row group: any row range, starting anywhere in a page, matches DuckDB", async function () {
      // DuckDB writes one page per list chunk; hyparquet-writer with a small page size gives ~100.
      type HyparquetWriter = typeof import("hyparquet-writer", { with: { "resolution-mode": "import" } });
      const hw = require("hyparquet-writer") as HyparquetWriter;
      const n = 3000;
      const d = 24;
      const v: number[][] = [];
      for (let i = 0; i < n; i++) {
        const row: number[] = [];
        for (let j = 0; j < d; j++) row.push(Math.fround(Math.sin(i * 7.3 + j * 1.1)));
        v.push(row);
      }
      const buf = hw.parquetWriteBuffer({
        columnData: [
          { name: "id", data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)) },
          { name: "v", data: v },
        ],
        schema: [
          { name: "root", num_children: 2 },
          { name: "id", type: "INT64", repetition_type: "REQUIRED" },
          { name: "v", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
          { name: "list", repetition_type: "REPEATED", num_children: 1 },
          { name: "element", type: "FLOAT", repetition_type: "OPTIONAL" },
        ],
        pageSize: 2048,
        rowGroupSize: n,
      });
      const f = path.join(dir, "pages.parquet");
      fs.writeFileSync(f, new Uint8Array(buf));
      const info = inspectSource(f, { idColumn: "id" });
      assert.equal(info.chunks.length, 1);
      const meta = readFooter(openBytes(f));
      const cursor = new PageCursor(openBytes(f), meta.row_groups[0].columns[1].meta_data as ColumnMetaData, 1 << 20);
      let pages = 0;
      while (cursor.nextHeader()) pages++;
      assert.ok(pages > 50, `expected many pages, got ${pages}`);
      for (const start of [0, 1, 20, 21, 22, 85, 86, 1000, 2990, 2999]) {
        await assertVectorsMatch(f, info, "v", start, Math.min(40, n - start));
      }
      assert.deepEqual(readRows(info, 2997, 3).ids, ["2997", "2998", "2999"]);
    });

    it("SourceInfo survives JSON (it travels in Beam shard descriptors)", async function () {
      const f = await write("json.parquet", `SELECT i AS id, ${VALUES(4, "FLOAT")} AS v FROM range(64) r(i)`);
      const info = JSON.parse(JSON.stringify(inspectSource(f, { idColumn: "id" }))) as SourceInfo;
      const block = readRows(info, 10, 5);
      assert.deepEqual(block.ids, ["10", "11", "12", "13", "14"]);
      await assertVectorsMatch(f, info, "v", 10, 5);
    });
  });

  describe("bad input: the error names file, row and column", function () {
    const vectorsWith = (badRow: string, d: number): string =>
      `SELECT i AS id, CASE WHEN ${badRow} ELSE ${VALUES(d, "FLOAT")} END AS v FROM range(10000) r(i)`;

    it("NaN in a later row group: global row index and element", async function () {
      const f = await write(
        "nan.parquet",
        `SELECT i AS id, list_transform(range(4), j -> CASE WHEN i = 5000 AND j = 2 THEN 'nan'::FLOAT ELSE j::FLOAT END) AS v FROM range(10000) r(i)`,
        ", ROW_GROUP_SIZE 2048",
      );
      const info = inspectSource(f, {});
      assert.ok(info.chunks.length > 1 && info.chunks[0].count < 5000, "row 5000 must not be in the first row group");
      assertThrowsNaming(() => readRows(info, 0, 10000), [f, "column 'v'", "row 5000", "element 2", "non-finite", "NaN"]);
      const chunk = info.chunks.find((c) => c.start <= 5000 && 5000 < c.start + c.count) as { start: number; count: number };
      assertThrowsNaming(() => readRows(info, chunk.start, chunk.count), [f, "row 5000"]);
      // Rows before the bad one read fine.
      assert.equal(readRows(info, 0, 5000).vectors.length, 5000 * 4);
    });

    it("infinity in a DOUBLE[] column", async function () {
      const f = await write("inf.parquet", `SELECT [1.0, 2.0, CASE WHEN i = 33 THEN 'inf'::DOUBLE ELSE 3.0 END]::DOUBLE[] AS v FROM range(50) r(i)`);
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 50), [f, "column 'v'", "row 33", "element 2", "Infinity"]);
    });

    it("ragged vectors: the row and both dimensions", async function () {
      const f = await write("ragged.parquet", vectorsWith("i = 77 THEN [1, 2, 3]::FLOAT[]", 4));
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 10000), [f, "column 'v'", "row 77", "dimension 3, expected 4"]);
    });

    it("a longer row is ragged too", async function () {
      const f = await write("longer.parquet", vectorsWith("i = 9999 THEN [1, 2, 3, 4, 5]::FLOAT[]", 4));
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 10000), [f, "row 9999", "dimension 5, expected 4"]);
    });

    it("a null vector", async function () {
      const f = await write("nullvec.parquet", vectorsWith("i = 12 THEN NULL", 4));
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 10000), [f, "column 'v'", "row 12", "vector is null"]);
    });

    it("a null first vector is caught by inspect", async function () {
      const f = await write("nullfirst.parquet", vectorsWith("i = 0 THEN NULL", 4));
      assertThrowsNaming(() => inspectSource(f, {}), [f, "column 'v'", "row 0", "null"]);
    });

    it("a null element inside a vector", async function () {
      const f = await write("nullelem.parquet", vectorsWith("i = 12 THEN [1.0, NULL, 3.0, 4.0]::FLOAT[]", 4));
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 10000), [f, "column 'v'", "row 12", "element 1", "null element"]);
    });

    it("an empty vector", async function () {
      const f = await write("empty-vec.parquet", vectorsWith("i = 40 THEN []::FLOAT[]", 4));
      assertThrowsNaming(() => readRows(inspectSource(f, {}), 0, 10000), [f, "row 40", "dimension 0, expected 4"]);
    });

    it("a missing vector column lists the columns there are", async function () {
      const f = await write("missing.parquet", `SELECT i AS id, ${VALUES(4, "FLOAT")} AS v FROM range(5) r(i)`);
      assertThrowsNaming(() => inspectSource(f, { column: "emb" }), [f, "'emb' not found", "id, v"]);
      assertThrowsNaming(() => inspectSource(f, { idColumn: "key" }), [f, "id column 'key' not found"]);
      assertThrowsNaming(() => inspectSource(f, { metadataColumns: ["label"] }), [f, "metadata column 'label' not found"]);
    });

    it("a vector column that is not a list of floats", async function () {
      const f = await write("types.parquet", `SELECT i AS id, 'x' AS s, [1, 2]::INTEGER[] AS ints, {'a': 1.0} AS st FROM range(5) r(i)`);
      assertThrowsNaming(() => inspectSource(f, { column: "id" }), [f, "'id'", "not a list"]);
      assertThrowsNaming(() => inspectSource(f, { column: "ints" }), [f, "'ints'", "list of INT32"]);
      assertThrowsNaming(() => inspectSource(f, { column: "st" }), [f, "'st'"]);
      assertThrowsNaming(() => inspectSource(f, {}), [f, "no list<float|double> vector column"]);
    });

    it("an id column of the wrong type, and null ids", async function () {
      const f = await write("ids.parquet", `SELECT i / 2 AS fid, CASE WHEN i = 3 THEN NULL ELSE i END AS id, ${VALUES(4, "FLOAT")} AS v FROM range(10) r(i)`);
      assertThrowsNaming(() => inspectSource(f, { idColumn: "fid" }), [f, "id column 'fid'", "DOUBLE"]);
      assertThrowsNaming(() => readRows(inspectSource(f, { idColumn: "id" }), 0, 10), [f, "column 'id'", "row 3", "null"]);
    });

    it("a file that is not Parquet, and an empty file", async function () {
      const text = path.join(dir, "notes.parquet");
      fs.writeFileSync(text, "id,vector\n1,2\n".repeat(10));
      assertThrowsNaming(() => inspectSource(text, {}), [text, "not a Parquet file"]);
      const empty = path.join(dir, "empty.parquet");
      fs.writeFileSync(empty, "");
      assertThrowsNaming(() => inspectSource(empty, {}), [empty, "empty"]);
      const truncated = path.join(dir, "truncated.parquet");
      const good = await write("good.parquet", `SELECT ${VALUES(4, "FLOAT")} AS v FROM range(100) r(i)`);
      fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 300));
      assertThrowsNaming(() => inspectSource(truncated, {}), [truncated, "not a Parquet file"]);
      assertThrowsNaming(() => inspectSource(path.join(dir, "absent.parquet"), {}), ["absent.parquet", "cannot open"]);
    });

    it("a Parquet file with zero rows", async function () {
      const f = await write("zero.parquet", `SELECT i AS id, ${VALUES(4, "FLOAT")} AS v FROM range(10) r(i) WHERE false`);
      assertThrowsNaming(() => inspectSource(f, {}), [f, "zero rows"]);
    });

    it("a row range outside the file", async function () {
      const f = await write("range.parquet", `SELECT ${VALUES(4, "FLOAT")} AS v FROM range(10) r(i)`);
      const info = inspectSource(f, {});
      assertThrowsNaming(() => readRows(info, 8, 5), [f, "8+5", "10 rows"]);
    });
  });
});
