// Crash safety of publishing on gs:// (fake-gcs-server): a SIGKILL anywhere before the pointer write leaves the
// previous run's pointer and objects untouched; after it, the new run is complete and the old objects are removed
// by the next run. A second concurrent run is refused by the lock object's generation precondition.
import { strict as assert } from "node:assert";
import * as crypto from "crypto";
import { gcsList, gcsReadAll } from "../io/gcs";
import { publishedRoot } from "../io/run-session";
import { parseMarker, RunMarker } from "../io/run-marker";
import { fakeGcs } from "./gcs-fixture";
import { makeTempDir, removeDir } from "./io-helpers";
import { runCli, startCli, waitForFile, writeInputs } from "./publish-fixtures";
import * as path from "path";
import * as fs from "fs";

const BUCKET = "spec-beam-crash";

/** object name below the bucket -> sha256 of its bytes */
const objects = (prefix: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const o of gcsList(BUCKET, prefix)) {
    out[o.path.slice(`gs://${BUCKET}/`.length)] = crypto.createHash("sha256").update(gcsReadAll(o.path)).digest("hex");
  }
  return out;
};

const pointer = (out: string): RunMarker => {
  const m = parseMarker(Buffer.from(gcsReadAll(`${out}/_SPEC_BEAM_RUN`)).toString("utf8"));
  assert.ok(typeof m !== "string", String(m));
  return m as RunMarker;
};

describe("publishing: crashes and concurrent runs (gs:// --out, fake-gcs-server)", function () {
  this.timeout(600000);
  let dir = "";
  let inputs: string[] = [];
  before(async function () {
    const gcs = await fakeGcs();
    if (!gcs) {
      this.skip();
      return;
    }
    await gcs.bucket(BUCKET);
    dir = makeTempDir("publish-crash-gcs");
    inputs = writeInputs(path.join(dir, "data"));
  });
  after(() => {
    if (dir) removeDir(dir);
  });

  it("a SIGKILL before the commit leaves the previous run; after it, the new one; the next run cleans up", () => {
    const out = `gs://${BUCKET}/runs/r`;
    const first = runCli(["compare", ...inputs, "--out", out]);
    assert.equal(first.code, 0, first.stderr);
    const oldRoot = publishedRoot(out) as string;
    assert.equal(first.stdout.trim(), oldRoot);
    const old = objects(`runs/r/${pointer(out).run_id}/`);
    const oldPointer = objects("runs/r/_SPEC_BEAM_RUN");
    for (const point of ["plan", "score", "publish"]) {
      const r = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: { SPEC_BEAM_TEST_KILL_AT: point } });
      assert.equal(r.signal, "SIGKILL", `${point}: ${r.stderr}`);
      assert.equal(publishedRoot(out), oldRoot, point);
      assert.deepEqual(objects("runs/r/_SPEC_BEAM_RUN"), oldPointer, point);
      assert.deepEqual(objects(`runs/r/${pointer(out).run_id}/`), old, point);
      assert.ok(gcsList(BUCKET, "runs/.r.lock").length === 1, `${point}: the dead run's lock is there`);
    }
    const r = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: { SPEC_BEAM_TEST_KILL_AT: "publish-committed" } });
    assert.equal(r.signal, "SIGKILL");
    const m = pointer(out);
    assert.notEqual(m.root, oldRoot);
    const now = objects(`runs/r/${m.run_id}/`);
    assert.deepEqual(Object.keys(now).map((k) => k.slice(`runs/r/${m.run_id}/`.length)).sort(), m.files.map((f) => f.path).sort());
    assert.deepEqual(objects(`runs/r/${oldRoot.slice(out.length + 1)}/`), old, "old objects wait for the next run");
    const summary = JSON.parse(Buffer.from(gcsReadAll(`${m.root}/summary.json`)).toString("utf8"));
    assert.equal(summary.seed, 8);
    const next = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "9"]);
    assert.equal(next.code, 0, next.stderr);
    const last = pointer(out);
    const names = Object.keys(objects("runs/"));
    assert.deepEqual(names.filter((n) => !n.startsWith(`runs/r/${last.run_id}/`)), ["runs/r/_SPEC_BEAM_RUN"], names.join(", "));
  });

  it("a second run into the same gs:// --out fails fast naming the first", async () => {
    const out = `gs://${BUCKET}/runs/busy`;
    const pause = path.join(dir, "gcs-busy.pause");
    const first = startCli(["compare", ...inputs, "--out", out],
      { SPEC_BEAM_TEST_PAUSE_AT: "plan", SPEC_BEAM_TEST_PAUSE_FILE: pause });
    await waitForFile(pause);
    const second = runCli(["compare", ...inputs, "--out", out, "--overwrite"]);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`another run is writing it: spec-beam compare \\(pid ${first.child.pid} `));
    fs.rmSync(pause);
    const r = await first.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(publishedRoot(out), r.stdout.trim());
    assert.equal(gcsList(BUCKET, "runs/.busy.lock").length, 0, "lock released");
  });
});
