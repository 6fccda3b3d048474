// --out on gs:// (what a Dataflow or remote Flink run needs: the only storage the launcher and the workers share):
// the workers' intermediate files and the published run live on Cloud Storage, here a local fake-gcs-server.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { gcsList, gcsReadAll, gcsWrite } from "../io/gcs";
import { fakeGcs } from "./gcs-fixture";
import { makeTempDir, openDuckDb, queryRows, removeDir, sqlString, Connection } from "./io-helpers";
import { plantedTable, runQuiet, writeTableParquet } from "./pipeline-fixtures";

const BUCKET = "spec-beam-runs";

const objects = (prefix: string): string[] => gcsList(BUCKET, prefix).map((o) => o.path.slice(`gs://${BUCKET}/`.length));

describe("compare with --out gs:// (fake-gcs-server)", function () {
  this.timeout(180000);
  let dir = "";
  let db: Connection;
  let input = "";

  const flags = (extra: Record<string, unknown>) => ({ "x.path": input, "x.column": "x", "x.id_column": "id",
    "y.column": "y", "metadata_columns": ["label"], "kernel.sigma_x": 1.5, "kernel.sigma_y": 1.5, "kernel.rff": 16,
    "modes": 2, "top": 10, "seed": 3, "compute.shard_rows": 70, ...extra });

  before(async function () {
    const gcs = await fakeGcs();
    if (!gcs) {
      this.skip();
      return;
    }
    await gcs.bucket(BUCKET);
    dir = makeTempDir("pipeline-gcs");
    db = await openDuckDb();
    const local = path.join(dir, "planted.parquet");
    await writeTableParquet(local, plantedTable(60, 4), { db: db, rowGroupSize: 70 });
    // the inputs on gs:// too, as on Dataflow
    input = `gs://${BUCKET}/data/planted.parquet`;
    gcsWrite(input, fs.readFileSync(local));
  });

  after(() => {
    if (dir) removeDir(dir);
  });

  it("publishes the whole output contract under the prefix, leaves no temporary objects, equals a local run", async () => {
    const out = `gs://${BUCKET}/runs/first`;
    const r = await runQuiet(flags({ out: out }));
    if (r.error) throw r.error;
    const names = objects("runs/");
    assert.deepEqual(names, ["runs/first/eigenvalues.parquet", "runs/first/report.html",
      "runs/first/scores/part-00000-of-00003.parquet", "runs/first/scores/part-00001-of-00003.parquet",
      "runs/first/scores/part-00002-of-00003.parquet", "runs/first/summary.json", "runs/first/top_samples.parquet"]);
    const local = path.join(dir, "local-run");
    const l = await runQuiet(flags({ out: local }));
    if (l.error) throw l.error;
    const remote = JSON.parse(Buffer.from(gcsReadAll(`${out}/summary.json`)).toString("utf8"));
    const here = JSON.parse(fs.readFileSync(path.join(local, "summary.json"), "utf8"));
    assert.deepEqual(remote.eigenvalues, here.eigenvalues);
    // the scores written by the workers to gs:// are the local run's, and DuckDB reads them
    for (let p = 0; p < 3; p++) {
      const part = `part-0000${p}-of-00003.parquet`;
      const copy = path.join(dir, `downloaded-${part}`);
      fs.writeFileSync(copy, gcsReadAll(`${out}/scores/${part}`));
      const a = await queryRows(db, `SELECT id, score_p1, score_n1 FROM read_parquet(${sqlString(copy)}) ORDER BY row`);
      const b = await queryRows(db, `SELECT id, score_p1, score_n1 FROM read_parquet(${sqlString(path.join(local, "scores", part))}) ORDER BY row`);
      assert.ok(a.length > 0);
      assert.deepEqual(a, b);
    }
  });

  it("a second run to the same prefix replaces the first completely", async () => {
    const out = `gs://${BUCKET}/runs/again`;
    gcsWrite(`${out}/stale-from-an-old-run.txt`, Buffer.from("old"));
    const r = await runQuiet(flags({ out: out, modes: 1 }));
    if (r.error) throw r.error;
    const names = objects("runs/again/");
    assert.ok(!names.includes("runs/again/stale-from-an-old-run.txt"), names.join(", "));
    assert.ok(names.includes("runs/again/summary.json"));
    assert.ok(!objects("runs/").some((n) => n.includes(".tmp-")), "temporary objects left");
  });

  it("a worker's bad-input error reaches the CLI through gs:// and nothing is published", async () => {
    const t = plantedTable(60, 4);
    t.x[130] = [0, 0, 0, 0];
    const local = path.join(dir, "zero.parquet");
    await writeTableParquet(local, t, { db: db, rowGroupSize: 70 });
    const bad = `gs://${BUCKET}/data/zero.parquet`;
    gcsWrite(bad, fs.readFileSync(local));
    const out = `gs://${BUCKET}/runs/bad`;
    const r = await runQuiet(flags({ "x.path": bad, "kernel.type": "cosine", out: out }));
    assert.ok(r.error, "the run should fail");
    assert.match(r.error.message, /zero\.parquet/);
    assert.match(r.error.message, /row 130/);
    assert.match(r.error.message, /zero vector/);
    assert.deepEqual(objects("runs/bad"), []);
    assert.ok(!objects("runs/").some((n) => n.includes(".bad.tmp-")), "temporary objects left");
  });

  it("refuses a bucket without a run name", async () => {
    const r = await runQuiet(flags({ out: `gs://${BUCKET}` }));
    assert.ok(r.error);
    assert.match(r.error.message, /gs:\/\/bucket\/path\/to\/run/);
  });
});
