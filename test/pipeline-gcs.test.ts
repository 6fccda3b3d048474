// --out on gs:// (what a Dataflow or remote Flink run needs: the only storage the launcher and the workers share):
// the workers' intermediate files and the published run live on Cloud Storage, here a local fake-gcs-server.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { gcsList, gcsReadAll, gcsWrite } from "../io/gcs";
import { publishedRoot } from "../io/run-session";
import { fakeGcs } from "./gcs-fixture";
import { makeTempDir, openDuckDb, queryRows, removeDir, sqlString, Connection } from "./io-helpers";
import { plantedTable, runQuiet, writeTableParquet } from "./pipeline-fixtures";
import { readHistory } from "../io/history";

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
    const first = `gs://${BUCKET}/runs/first`;
    const r = await runQuiet(flags({ out: first }));
    if (r.error) throw r.error;
    // the pointer names the run's prefix, which holds the whole output contract and nothing else
    const out = publishedRoot(first) as string;
    assert.equal(r.result?.outDir, out);
    const id = out.slice(first.length + 1);
    assert.match(id, /^\d+-[0-9a-f]{8}-[0-9a-z]+-[0-9a-f]{6}$/);
    const names = objects("runs/");
    assert.deepEqual(names, ["eigenvalues.parquet", "map.parquet", "report.html", "scores/part-00000-of-00003.parquet",
      "scores/part-00001-of-00003.parquet", "scores/part-00002-of-00003.parquet", "summary.json",
      "top_samples.parquet"].map((f) => `runs/first/${id}/${f}`).concat(["runs/first/_SPEC_BEAM_RUN"]));
    const pointer = JSON.parse(Buffer.from(gcsReadAll(`${first}/_SPEC_BEAM_RUN`)).toString("utf8"));
    assert.equal(pointer.root, out);
    assert.equal(pointer.files.length, 8);
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

  it("a second run replaces the first only with --overwrite, and then completely", async () => {
    const out = `gs://${BUCKET}/runs/again`;
    const a = await runQuiet(flags({ out: out, modes: 2 }));
    if (a.error) throw a.error;
    const refused = await runQuiet(flags({ out: out, modes: 1 }));
    assert.ok(refused.error);
    assert.equal(refused.error.name, "OutError");
    assert.match(refused.error.message, /holds a spec-beam compare run .*--overwrite/);
    assert.equal(publishedRoot(out), a.result?.outDir);
    const b = await runQuiet(flags({ out: out, modes: 1, overwrite: true }));
    if (b.error) throw b.error;
    const root = b.result?.outDir as string;
    assert.equal(publishedRoot(out), root);
    const names = objects("runs/again/");
    assert.ok(names.every((n) => n === "runs/again/_SPEC_BEAM_RUN" || `gs://${BUCKET}/${n}`.startsWith(`${root}/`)),
      names.join(", "));
    const summary = JSON.parse(Buffer.from(gcsReadAll(`${root}/summary.json`)).toString("utf8"));
    assert.equal(summary.modes, 1);
  });

  it("refuses a prefix holding objects spec-beam did not write, and leaves them", async () => {
    const out = `gs://${BUCKET}/runs/theirs`;
    gcsWrite(`${out}/notes.txt`, Buffer.from("someone else's"));
    const r = await runQuiet(flags({ out: out, overwrite: true }));
    assert.ok(r.error);
    assert.match(r.error.message, /runs\/theirs: it holds 1 object\(s\) that spec-beam did not write/);
    assert.deepEqual(objects("runs/theirs/"), ["runs/theirs/notes.txt"]);
  });

  it("--history on gs://: each run appends a row by generation compare-and-swap; --skip-unchanged reads it", async () => {
    const hist = `gs://${BUCKET}/history/h.parquet`;
    const a = await runQuiet(flags({ out: `gs://${BUCKET}/sched/{date}-{time}`, history: hist }));
    if (a.error) throw a.error;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const b = await runQuiet(flags({ out: `gs://${BUCKET}/sched/{date}-{time}`, history: hist }));
    if (b.error) throw b.error;
    const rows = readHistory(hist);
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].out, rows[1].out);
    assert.match(String(rows[0].inputs), /generation /);
    // unchanged inputs (same object generations): nothing runs, nothing is appended
    const c = await runQuiet(flags({ out: `gs://${BUCKET}/sched/{date}-{time}`, history: hist, skip_unchanged: true }));
    if (c.error) throw c.error;
    assert.equal((c.result as { skipped?: boolean }).skipped, true);
    assert.equal(readHistory(hist).length, 2);
    // a new generation of the input is a change
    gcsWrite(input, gcsReadAll(input));
    const d = await runQuiet(flags({ out: `gs://${BUCKET}/sched/{date}-{time}-2`, history: hist, skip_unchanged: true }));
    if (d.error) throw d.error;
    assert.equal(readHistory(hist).length, 3);
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
    assert.deepEqual(objects("runs/.bad.lock"), [], "lock left");
  });

  it("refuses a bucket without a run name", async () => {
    const r = await runQuiet(flags({ out: `gs://${BUCKET}` }));
    assert.ok(r.error);
    assert.equal(r.error.name, "OutError");
    assert.match(r.error.message, /gs:\/\/bucket\/path\/to\/run/);
  });
});
