// Every bad-input class of docs/design.md ("Rules") stops the run with a message naming the file and the row/column,
// and publishes nothing: no output directory, no leftover temporary directory.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir, openDuckDb, sqlString, Connection } from "./io-helpers";
import { plantedTable, writeTableParquet, runQuiet, nothingPublished, Table } from "./pipeline-fixtures";
import { writeNpy } from "../io/npy-write";

const base = (input: string, out: string, extra: Record<string, unknown> = {}) => ({
  "x.path": input, "x.column": "x", "x.id_column": "id", "y.column": "y", "kernel.sigma_x": 1,
  "kernel.sigma_y": 1, "kernel.rff": 20, "modes": 2, "top": 5, "out": out, ...extra,
});

describe("bad input stops the run and publishes nothing", function () {
  this.timeout(300000);
  let dir = "";
  let db: Connection;
  let good: Table;

  before(async () => {
    dir = makeTempDir("bad-input");
    db = await openDuckDb();
    good = plantedTable(10, 3);
  });
  after(() => removeDir(dir));

  const expectFailure = async (flags: Record<string, unknown>, out: string, fragments: (string | RegExp)[]) => {
    const r = await runQuiet(flags);
    assert.ok(r.error, "the run should have failed");
    const msg = r.error.message;
    for (const f of fragments) {
      if (typeof f === "string") assert.ok(msg.includes(f), `"${msg}" should mention "${f}"`);
      else assert.match(msg, f);
    }
    assert.ok(nothingPublished(out), `something was published at ${out}`);
  };

  it("a non-finite value: names the file, the row and the column", async () => {
    const t = plantedTable(10, 3);
    t.x[17][1] = NaN;
    const f = path.join(dir, "nan.parquet");
    await db.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES ${t.ids.map((id, i) =>
      `(${sqlString(id)}, [${t.x[i].map((v) => (Number.isNaN(v) ? "'nan'::FLOAT" : v)).join(", ")}]::FLOAT[], ` +
      `[${t.y[i].join(", ")}]::FLOAT[], ${i})`).join(", ")}) v(id, x, y, ord)`);
    await db.run(`COPY (SELECT id, x, y FROM t ORDER BY ord) TO ${sqlString(f)} (FORMAT parquet)`);
    const out = path.join(dir, "out-nan");
    await expectFailure(base(f, out), out, [f, /row 17/, /'x'|column x/, /non-finite|NaN/i]);
  });

  it("a vector of the wrong dimension (ragged list column): names the file, row and dimensions", async () => {
    const f = path.join(dir, "ragged.parquet");
    await db.run(`COPY (SELECT 'r' || i AS id, CASE WHEN i = 6 THEN [1.0, 2.0]::FLOAT[] ELSE [1.0, 2.0, i]::FLOAT[] END AS x, ` +
      `[i, 1.0, 0.5]::FLOAT[] AS y FROM range(12) r(i)) TO ${sqlString(f)} (FORMAT parquet)`);
    const out = path.join(dir, "out-ragged");
    await expectFailure(base(f, out), out, [f, /row 6/, /dimension|length/i]);
  });

  it("files of one side with different dimensions: names both files", async () => {
    const sub = path.join(dir, "mixed");
    fs.mkdirSync(sub);
    writeNpy(path.join(sub, "a.npy"), new Float32Array(12).fill(1), 4, 3);
    writeNpy(path.join(sub, "b.npy"), new Float32Array(16).fill(1), 4, 4);
    writeNpy(path.join(dir, "y8.npy"), new Float32Array(24).fill(1), 8, 3);
    const out = path.join(dir, "out-mixed");
    await expectFailure({ "x.path": sub, "y.path": path.join(dir, "y8.npy"), "out": out, "kernel.sigma_x": 1,
      "kernel.sigma_y": 1 }, out, ["a.npy", "b.npy", /dimension 4 differs from 3/]);
  });

  it("duplicate ids: names the id and both rows", async () => {
    const t = plantedTable(10, 3);
    t.ids[21] = t.ids[4];
    const f = path.join(dir, "dup.parquet");
    await writeTableParquet(f, t, { db: db });
    const out = path.join(dir, "out-dup");
    await expectFailure(base(f, out), out, [`duplicate id '${t.ids[4]}'`, /rows 4 and 21/]);
  });

  it("ids of X and Y that do not match row by row (by_row pairing): names the row and both ids", async () => {
    const fx = path.join(dir, "ux.parquet");
    const fy = path.join(dir, "uy.parquet");
    await writeTableParquet(fx, good, { db: db });
    const shuffled: Table = { ...good, ids: good.ids.slice() };
    const tmp = shuffled.ids[12];
    shuffled.ids[12] = shuffled.ids[13];
    shuffled.ids[13] = tmp;
    await writeTableParquet(fy, shuffled, { db: db });
    const out = path.join(dir, "out-unmatched");
    await expectFailure(base(fx, out, { "y.path": fy, "y.id_column": "id" }), out,
      [fy, /global row 12/, `'${good.ids[13]}'`, `'${good.ids[12]}'`, /not aligned/]);
  });

  it("X and Y with different row counts: names both inputs and counts", async () => {
    writeNpy(path.join(dir, "x30.npy"), new Float32Array(90).fill(0.5), 30, 3);
    writeNpy(path.join(dir, "y29.npy"), new Float32Array(87).fill(0.5), 29, 3);
    const out = path.join(dir, "out-count");
    await expectFailure({ "x.path": path.join(dir, "x30.npy"), "y.path": path.join(dir, "y29.npy"), "out": out,
      "kernel.sigma_x": 1, "kernel.sigma_y": 1 }, out, ["x30.npy", "y29.npy", /30 rows/, /29 rows/]);
  });

  it("a zero vector under the cosine kernel: names the file, the row and the embedding", async () => {
    const x = new Float32Array(30 * 3).map((_, i) => 1 + (i % 5));
    x.fill(0, 11 * 3, 12 * 3);
    const fx = path.join(dir, "zx.npy");
    writeNpy(fx, x, 30, 3);
    writeNpy(path.join(dir, "zy.npy"), new Float32Array(30 * 3).fill(1), 30, 3);
    const out = path.join(dir, "out-zero");
    await expectFailure({ "x.path": fx, "y.path": path.join(dir, "zy.npy"), "out": out, "kernel.type": "cosine" },
      out, [fx, /row 11/, /zero vector/, /embedding x/]);
  });

  it("a file that is not Parquet: names the file and the reason", async () => {
    const f = path.join(dir, "fake.parquet");
    fs.writeFileSync(f, "id,x\n1,2\n");
    const out = path.join(dir, "out-fake");
    await expectFailure(base(f, out), out, [f, /Parquet/]);
  });

  it("an input pattern that matches nothing: names the pattern", async () => {
    const pattern = path.join(dir, "nothing-here-*.parquet");
    const out = path.join(dir, "out-empty-glob");
    await expectFailure(base(pattern, out), out, [pattern]);
  });

  it("an input with zero rows: names the input", async () => {
    const f = path.join(dir, "empty.parquet");
    await db.run(`COPY (SELECT 'a' AS id, [1.0]::FLOAT[] AS x, [1.0]::FLOAT[] AS y WHERE false) TO ${sqlString(f)} (FORMAT parquet)`);
    const out = path.join(dir, "out-zero-rows");
    await expectFailure(base(f, out), out, [f, /no rows|empty|0 rows/i]);
  });

  it("a missing column: names the file, the column and the columns present", async () => {
    const f = path.join(dir, "cols.parquet");
    await writeTableParquet(f, good, { db: db });
    const out = path.join(dir, "out-missing-col");
    await expectFailure(base(f, out, { "x.column": "embedding" }), out, [f, "embedding", /label|id/]);
  });

  it("a failed run leaves an existing output directory untouched", async () => {
    const f = path.join(dir, "fake2.parquet");
    fs.writeFileSync(f, "not parquet at all");
    const out = path.join(dir, "out-existing");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "summary.json"), "{\"previous\": true}");
    const r = await runQuiet(base(f, out));
    assert.ok(r.error);
    assert.equal(fs.readFileSync(path.join(out, "summary.json"), "utf8"), "{\"previous\": true}");
  });
});
