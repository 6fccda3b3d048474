// gs:// inputs and outputs through io/gcs.ts (synckit + @google-cloud/storage) against a local
// fake-gcs-server (test/gcs-fixture.ts).
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { gcsList, gcsReadRange, gcsStat, gcsWrite } from "../io/gcs";
import { writeNpy } from "../io/npy-write";
import { writeParquet } from "../io/parquet-write";
import { expandInputs } from "../io/paths";
import { inspectSource, readRows } from "../io/source";
import { fakeGcs } from "./gcs-fixture";
import { assertThrowsNaming, makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";

describe("io/gcs: gs:// through a local fake-gcs-server", function () {
  let dir = "";
  const bucket = "spec-beam-test";

  before(async function () {
    const gcs = await fakeGcs();
    if (!gcs) {
      this.skip();
      return;
    }
    dir = makeTempDir("gcs");
    await gcs.bucket(bucket);
  });

  after(function () {
    if (dir) removeDir(dir);
  });

  it("writes, lists, stats and reads byte ranges of objects", function () {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    gcsWrite(`gs://${bucket}/raw/bytes.bin`, bytes);
    assert.equal(gcsStat(`gs://${bucket}/raw/bytes.bin`).size, 1000);
    assert.deepEqual(gcsReadRange(`gs://${bucket}/raw/bytes.bin`, 100, 50), bytes.subarray(100, 150));
    assert.deepEqual(gcsList(bucket, "raw/"), [{ path: `gs://${bucket}/raw/bytes.bin`, size: 1000 }]);
  });

  it("a Parquet file and an .npy on gs:// read exactly like their local copies", async function () {
    const db = await openDuckDb();
    const local = path.join(dir, "emb.parquet");
    await db.run(
      `COPY (SELECT i AS id, list_transform(range(8), j -> sin(i * 7.3 + j)::FLOAT) AS v FROM range(6000) r(i))
       TO ${sqlString(local)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
    );
    gcsWrite(`gs://${bucket}/data/emb.parquet`, fs.readFileSync(local));
    const npy = path.join(dir, "emb.npy");
    const data = Float32Array.from({ length: 300 * 5 }, (_, i) => Math.cos(i));
    writeNpy(npy, data, 300, 5);
    gcsWrite(`gs://${bucket}/data/emb.npy`, fs.readFileSync(npy));
    gcsWrite(`gs://${bucket}/data/_SUCCESS`, Buffer.from(""));

    assert.deepEqual(expandInputs(`gs://${bucket}/data/*.parquet`), [`gs://${bucket}/data/emb.parquet`]);
    assert.deepEqual(expandInputs(`gs://${bucket}/data`), [`gs://${bucket}/data/emb.npy`, `gs://${bucket}/data/emb.parquet`]);
    assertThrowsNaming(() => expandInputs(`gs://${bucket}/data/*.csv`), [`gs://${bucket}/data/*.csv`, "no objects match"]);

    const remote = inspectSource(`gs://${bucket}/data/emb.parquet`, { idColumn: "id" });
    const mine = inspectSource(local, { idColumn: "id" });
    assert.deepEqual({ ...remote, path: "" }, { ...mine, path: "" });
    assert.ok(remote.chunks.length > 1);
    const c = remote.chunks[1];
    const a = readRows(remote, c.start - 5, c.count);
    const b = readRows(mine, c.start - 5, c.count);
    assert.deepEqual(a.vectors, b.vectors);
    assert.deepEqual(a.ids, b.ids);

    const npyInfo = inspectSource(`gs://${bucket}/data/emb.npy`, { chunkRows: 128 });
    assert.equal(npyInfo.chunks.length, 3);
    assert.deepEqual(readRows(npyInfo, 128, 128).vectors, data.subarray(128 * 5, 256 * 5));
  });

  it("writeParquet to gs:// gives an object DuckDB reads", async function () {
    const target = `gs://${bucket}/out/eigenvalues.parquet`;
    writeParquet(target, [
      { name: "rank", type: "int32", values: [1, 2, 3] },
      { name: "eigenvalue", type: "double", values: [0.5, 0.25, -0.125] },
    ]);
    const copy = path.join(dir, "eigenvalues.parquet");
    fs.writeFileSync(copy, gcsReadRange(target, 0, gcsStat(target).size));
    const db = await openDuckDb();
    assert.deepEqual(await queryRows(db, `SELECT rank, eigenvalue FROM ${sqlString(copy)}`), [
      [1, 0.5],
      [2, 0.25],
      [3, -0.125],
    ]);
  });

  it("a missing object is an input error naming it", function () {
    assertThrowsNaming(() => inspectSource(`gs://${bucket}/data/absent.parquet`), [`gs://${bucket}/data/absent.parquet`, "no such object"]);
  });
});
