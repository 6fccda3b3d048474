// The Flink engine test's rare "1 CANCELLED: Runner closed connection" (then mocha's "done() called multiple
// times"), reproduced without Flink: the runner ends the SDK worker's control stream with a status, and the SDK,
// which has no "error" listener there, throws it out of the process. beam-runtime/worker-patches.ts (3) fixes it.
import { strict as assert } from "node:assert";
import { spawnSync } from "child_process";
import * as path from "path";

const FIXTURE = path.join(__dirname, "fixtures", "control-hangup.js");

const run = (mode: string) => spawnSync(process.execPath, [FIXTURE, mode], { encoding: "utf8", timeout: 60000 });

describe("SDK worker: the runner hanging up the control stream", function () {
  this.timeout(120000);

  it("unpatched, the SDK's worker throws the hang-up out of the process (the bug is real)", () => {
    const r = run("plain");
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /CANCELLED: Runner closed connection/);
  });

  it("with the worker patches the process survives it", () => {
    const r = run("patched");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "survived");
  });
});
