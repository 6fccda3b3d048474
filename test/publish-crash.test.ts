// Crash safety of publishing, tried the hostile way: the CLI SIGKILLs itself at every stage of a replacement
// (SPEC_BEAM_TEST_KILL_AT), is interrupted with SIGTERM/SIGINT, races a second run into the same --out, and runs
// out of disk. After each, --out holds one complete run byte for byte (the old one, or after the atomic swap the
// new one), and the next run removes what the dead one left.
import { strict as assert } from "node:assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "./io-helpers";
import { besides, runCli, snapshot, startCli, waitForFile, writeInputs } from "./publish-fixtures";
import { checkLocalRun } from "../io/run-marker";

const killedAt = (point: string, extra: Record<string, string> = {}) => ({ SPEC_BEAM_TEST_KILL_AT: point, ...extra });

describe("publishing: crashes, signals, concurrent runs, a full disk (local --out)", function () {
  this.timeout(600000);
  let dir = "";
  let inputs: string[] = [];
  before(() => {
    dir = makeTempDir("publish-crash");
    inputs = writeInputs(path.join(dir, "data"));
  });
  after(() => removeDir(dir));

  const complete = (out: string): void => {
    const c = checkLocalRun(out);
    assert.ok(c.run, c.run ? "" : c.reason);
    assert.ok(fs.existsSync(path.join(out, "summary.json")));
  };

  it("a SIGKILL at any stage of a replacement leaves the previous run byte-identical; the next run cleans up", () => {
    const out = path.join(dir, "run");
    assert.equal(runCli(["compare", ...inputs, "--out", out]).code, 0);
    const old = snapshot(out);
    for (const point of ["plan", "gram", "solve", "score", "finalize", "publish"]) {
      const r = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: killedAt(point) });
      assert.equal(r.signal, "SIGKILL", `${point}: ${r.stderr}`);
      assert.deepEqual(snapshot(out), old, `after a kill at ${point}`);
      const left = besides(out);
      // the dead run's lock and work directory; the one before it was removed when this run started
      assert.equal(left.filter((f) => f.includes(".tmp-")).length, 1, `${point}: ${left.join(", ")}`);
      assert.ok(left.includes(".run.lock"), `${point}: ${left.join(", ")}`);
    }
    const next = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(besides(out), []);
    complete(out);
  });

  it("a SIGKILL right after the atomic swap leaves the new run complete", () => {
    const out = path.join(dir, "swap");
    assert.equal(runCli(["compare", ...inputs, "--out", out]).code, 0);
    const r = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: killedAt("publish-swapped") });
    assert.equal(r.signal, "SIGKILL");
    complete(out);
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(s.seed, 8);
    const now = snapshot(out);
    // the old run, now in the work directory's place, goes with the next run's clean-up
    assert.equal(runCli(["compare", ...inputs, "--out", path.join(dir, "elsewhere")]).code, 0);
    assert.ok(besides(out).some((f) => f.includes(".tmp-")));
    const again = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: killedAt("plan") });
    assert.equal(again.signal, "SIGKILL");
    assert.deepEqual(snapshot(out), now);
    assert.deepEqual(besides(out).filter((f) => f.includes(".tmp-")).length, 1);
  });

  it("without RENAME_EXCHANGE: a kill between the two renames is repaired by the next run", () => {
    const out = path.join(dir, "aside");
    assert.equal(runCli(["compare", ...inputs, "--out", out]).code, 0);
    const old = snapshot(out);
    const env = { SPEC_BEAM_TEST_NO_EXCHANGE: "1" };
    const r = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: killedAt("publish-aside", env) });
    assert.equal(r.signal, "SIGKILL");
    assert.ok(!fs.existsSync(out), "the old run is aside for that instant");
    assert.ok(besides(out).some((f) => f.includes(".old-")));
    // the next run puts it back before doing anything else; without --overwrite it then refuses, as for any run
    const refused = runCli(["compare", ...inputs, "--out", out]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--overwrite/);
    assert.deepEqual(snapshot(out), old);
    const ok = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"], { env: env });
    assert.equal(ok.code, 0, ok.stderr);
    complete(out);
    assert.deepEqual(besides(out), []);
  });

  it("a second run into the same --out fails fast naming the first; the first completes", async () => {
    const out = path.join(dir, "busy");
    const pause = path.join(dir, "busy.pause");
    const first = startCli(["compare", ...inputs, "--out", out],
      { SPEC_BEAM_TEST_PAUSE_AT: "plan", SPEC_BEAM_TEST_PAUSE_FILE: pause });
    await waitForFile(pause);
    const second = runCli(["compare", ...inputs, "--out", out, "--overwrite"]);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`another run is writing it: spec-beam compare \\(pid ${first.child.pid} `));
    assert.equal(second.stderr.trim().split("\n").length, 1);
    fs.rmSync(pause);
    const r = await first.done;
    assert.equal(r.code, 0, r.stderr);
    complete(out);
    assert.deepEqual(besides(out), []);
  });

  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    it(`${sig} cleans up before exit and leaves the previous run`, async () => {
      const out = path.join(dir, `signal-${sig}`);
      assert.equal(runCli(["compare", ...inputs, "--out", out]).code, 0);
      const old = snapshot(out);
      const pause = path.join(dir, `${sig}.pause`);
      const run = startCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"],
        { SPEC_BEAM_TEST_PAUSE_AT: "plan", SPEC_BEAM_TEST_PAUSE_FILE: pause });
      await waitForFile(pause);
      run.child.kill(sig);
      const r = await run.done;
      assert.equal(r.code, sig === "SIGTERM" ? 143 : 130, r.stderr);
      assert.match(r.stderr, new RegExp(`interrupted by ${sig}; nothing was published`));
      assert.deepEqual(snapshot(out), old);
      assert.deepEqual(besides(out), []);
    });
  }

  it("SIGTERM in the middle of the Beam job (not at a pause point) cleans up too", async () => {
    const out = path.join(dir, "signal-mid");
    // enough shards that the job is still running when the first one reports
    const args = ["compare", ...inputs, "--rff", "400", "--shard-rows", "2", "--out", out];
    const run = startCli(args);
    const until = Date.now() + 120000;
    // wait for the first Gram shard, then interrupt
    await new Promise<void>((resolve, reject) => {
      const tick = (): void => {
        if (run.child.exitCode !== null) {
          reject(new Error("the run ended before it could be interrupted"));
          return;
        }
        if (Date.now() > until) {
          reject(new Error("no [gram] line"));
          return;
        }
        setTimeout(tick, 10);
      };
      run.child.stderr?.on("data", (b: Buffer) => {
        if (/\[gram\] shard/.test(b.toString("utf8"))) resolve();
      });
      tick();
    });
    run.child.kill("SIGTERM");
    const r = await run.done;
    if (r.code === 0) {
      // the job finished before the signal was handled: then it must be complete
      complete(out);
    } else {
      assert.equal(r.code, 143, r.stderr);
      assert.ok(!fs.existsSync(out));
    }
    assert.deepEqual(besides(out), []);
  });

  it("a full disk fails with one clear line, publishes nothing and keeps the previous run", function () {
    const mnt = path.join(dir, "small-disk");
    fs.mkdirSync(mnt);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], { stdio: "ignore" });
    } catch {
      this.skip(); // needs root and mount(2); CI runs as root
      return;
    }
    try {
      const out = path.join(mnt, "run");
      const small = runCli(["compare", ...inputs, "--out", out]);
      assert.equal(small.code, 0, small.stderr);
      const old = snapshot(out);
      // fill the disk (with a file of the test's own) up to a margin smaller than one run
      const used = Object.keys(old).reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
      const st = fs.statfsSync(mnt);
      fs.writeFileSync(path.join(mnt, "filler"), Buffer.alloc(Math.max(0, st.bavail * st.bsize - Math.floor(used / 3))));
      const again = runCli(["compare", ...inputs, "--out", out, "--overwrite", "--seed", "8"]);
      assert.equal(again.code, 2, again.stderr);
      const lines = again.stderr.trim().split("\n").filter((l) => l.startsWith("spec-beam: error"));
      assert.equal(lines.length, 1, again.stderr);
      assert.match(lines[0], /no space left on device/);
      assert.ok(!/\n\s+at /.test(again.stderr), `no stack trace: ${again.stderr}`);
      assert.deepEqual(snapshot(out), old);
      assert.deepEqual(besides(out), []);
    } finally {
      execFileSync("umount", [mnt]);
    }
  });
});
