// gs:// inputs and outputs through io/gcs.ts (synckit + @google-cloud/storage) against a local
// fake-gcs-server, started here when its binary is on PATH or in ~/go/bin (install:
// `go install github.com/fsouza/fake-gcs-server@latest`); skipped otherwise.
import assert from "node:assert/strict";
import { spawn } from "child_process";
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { gcsList, gcsReadRange, gcsStat, gcsWrite } from "../io/gcs";
import { writeNpy } from "../io/npy-write";
import { writeParquet } from "../io/parquet-write";
import { expandInputs } from "../io/paths";
import { inspectSource, readRows } from "../io/source";
import { assertThrowsNaming, makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";

const findServer = (): string | undefined => {
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  dirs.push(path.join(process.env.GOPATH ?? path.join(os.homedir(), "go"), "bin"));
  for (const d of dirs) {
    const p = path.join(d, "fake-gcs-server");
    if (d && fs.existsSync(p)) return p;
  }
  return undefined;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });

const waitFor = async (url: string, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`fake-gcs-server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("io/gcs: gs:// through a local fake-gcs-server", function () {
  let server: ChildProcess | undefined;
  let dir = "";
  let base = "";
  const bucket = "spec-beam-test";

  before(async function () {
    const bin = findServer();
    if (!bin) {
      // `make test` installs the server (Makefile testdeps); a missing one there is a failure, not a skip
      if (process.env.SPEC_BEAM_REQUIRE_SERVICES === "1") {
        throw new Error("fake-gcs-server not found (go install github.com/fsouza/fake-gcs-server@v1.56.1)");
      }
      this.skip();
      return;
    }
    dir = makeTempDir("gcs");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(bin, ["-scheme", "http", "-host", "127.0.0.1", "-port", String(port), "-backend", "memory", "-public-host", `127.0.0.1:${port}`], {
      stdio: "ignore",
    });
    await waitFor(`${base}/storage/v1/b`, 15000);
    // Read by the gcs worker thread when it starts (first gs:// call of this process).
    process.env.STORAGE_EMULATOR_HOST = base;
    const res = await fetch(`${base}/storage/v1/b?project=test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: bucket }),
    });
    assert.equal(res.status, 200);
  });

  after(function () {
    if (server && server.pid !== undefined) server.kill();
    delete process.env.STORAGE_EMULATOR_HOST;
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
