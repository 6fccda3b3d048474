// infra/docker/process-boot.sh (the PROCESS workers' command) must never leave a worker behind: the runner that
// started it (a TaskManager) may SIGTERM it and SIGKILL it soon after, or die outright. A stand-in boot program
// that ignores SIGTERM, as does its child, plays the worker; the checks are on real processes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import childProcess = require("child_process");
import { makeTempDir, removeDir } from "./io-helpers";

const REPO = path.resolve(__dirname, "..", "..");
const PROCESS_BOOT = path.join(REPO, "infra", "docker", "process-boot.sh");

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    // a zombie has exited; only its parent has not collected it yet
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

const waitFor = async (what: string, ms: number, ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("process-boot.sh leaves no worker behind", function () {
  this.timeout(60000);
  let dir = "";
  let fakeBoot = "";
  const spawned: number[] = [];

  before(() => {
    dir = makeTempDir("process-boot");
    fakeBoot = path.join(dir, "boot");
    // ignores SIGTERM (inherited by its child through exec): only SIGKILL stops them
    fs.writeFileSync(fakeBoot, `#!/usr/bin/env bash\ntrap '' TERM\nsleep 600 &\necho "$$ $!" > "${dir}/pids.$1"\nwait\n`);
    fs.chmodSync(fakeBoot, 0o755);
  });

  after(() => {
    for (const pid of spawned) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    if (dir) removeDir(dir);
  });

  /** A runner process (bash) that starts process-boot.sh and waits; returns the runner's, script's and worker pids. */
  const start = async (tag: string): Promise<{ runner: number; script: number; workers: number[] }> => {
    const runner = childProcess.spawn("bash", ["-c", `"${PROCESS_BOOT}" ${tag} & echo $! > "${dir}/script.${tag}"; wait`],
      { env: { ...process.env, SPEC_BEAM_BOOT: fakeBoot }, stdio: "ignore", detached: true });
    spawned.push(runner.pid as number);
    const pidsFile = path.join(dir, `pids.${tag}`);
    await waitFor("the stand-in worker to start", 20000, () => fs.existsSync(pidsFile) &&
      fs.readFileSync(pidsFile, "utf8").trim().split(" ").length === 2);
    const workers = fs.readFileSync(pidsFile, "utf8").trim().split(" ").map(Number);
    spawned.push(...workers);
    const script = Number(fs.readFileSync(path.join(dir, `script.${tag}`), "utf8"));
    spawned.push(script);
    assert.ok(workers.every(alive), "the workers run");
    return { runner: runner.pid as number, script: script, workers: workers };
  };

  it("a runner killed outright (SIGKILL) takes its workers with it", async () => {
    const p = await start("runner-killed");
    process.kill(p.runner, "SIGKILL");
    await waitFor("the workers to exit", 15000, () => !p.workers.some(alive) && !alive(p.script));
  });

  it("SIGTERM stops workers that ignore it (escalating to SIGKILL)", async () => {
    const p = await start("term");
    process.kill(p.script, "SIGTERM");
    await waitFor("the workers to exit", 15000, () => !p.workers.some(alive) && !alive(p.script));
  });

  it("the script SIGKILLed (as Beam's process manager does after its SIGTERM) still stops its workers", async () => {
    const p = await start("script-killed");
    process.kill(p.script, "SIGKILL");
    await waitFor("the workers to exit", 15000, () => !p.workers.some(alive));
  });
});
