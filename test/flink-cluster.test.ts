// A real multi-process Flink 1.15.0 session cluster (infra/flink/cluster.sh: one JobManager and two TaskManagers,
// 2 slots each, separate JVMs on 127.0.0.1) running the compare job with PROCESS workers (Beam's boot program):
// the result equals the direct runner's, the subtasks ran on both TaskManagers, a job that cannot get slots fails
// in seconds, and a TaskManager killed mid-job is survived with the same result and no row lost or doubled. The
// cluster has Beam's runner jars installed, so jobs run with runner.stage_runner_jars false and ship no jars; one job
// ships them (the default, for clusters without them) to show that it still works there.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import childProcess = require("child_process");
import { makeTempDir, removeDir, openDuckDb, queryRows, sqlString, duBytes } from "./io-helpers";
import { runQuiet, nothingPublished, RunOutcome } from "./pipeline-fixtures";
import { synthesize } from "./data/synth";
import { defaultJobServerJar } from "../beam-runtime/flink-job-server";
import { endedState } from "../beam-runtime/flink-job-watch";

const REPO = path.resolve(__dirname, "..", "..");
const CLUSTER_SH = path.join(REPO, "infra", "flink", "cluster.sh");
const BOOT = path.join(REPO, ".cache", "beam-boot", "boot");
const PROCESS_BOOT = path.join(REPO, "infra", "docker", "process-boot.sh");
const CLUSTER_LIB = path.join(REPO, ".cache", "flink-cluster", "lib");

interface Cluster {
  dir: string;
  master: string;
  pids: Map<string, number>;
}

const clusterEnv = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, SPEC_BEAM_FLINK_CLUSTER_DIR: dir,
  SPEC_BEAM_FLINK_REST_PORT: "0" });

const cluster = (cmd: string, dir: string, args: string[] = []): string =>
  childProcess.execFileSync("bash", [CLUSTER_SH, cmd, ...args], { env: clusterEnv(dir), encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"], timeout: 180000 });

const readCluster = (dir: string): Cluster => {
  const env = Object.fromEntries(fs.readFileSync(path.join(dir, "cluster.env"), "utf8").trim().split("\n")
    .map((l) => l.split("=") as [string, string]));
  const pids = new Map(fs.readFileSync(path.join(dir, "cluster.pids"), "utf8").trim().split("\n")
    .map((l) => l.trim().split(/\s+/)).map((p) => [p[0], Number(p[1])] as [string, number]));
  return { dir: dir, master: `127.0.0.1:${env.REST_PORT}`, pids: pids };
};

const rest = async <T>(c: Cluster, route: string): Promise<T> => {
  const res = await fetch(`http://${c.master}${route}`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${route}: HTTP ${res.status}`);
  return (await res.json()) as T;
};

interface JobOverview { jobs: { jid: string; name: string; state: string; "start-time": number }[] }
interface JobDetail { vertices: { id: string; name: string; status: string }[] }
interface VertexTms { taskmanagers: { "taskmanager-id": string; status: string }[] }

/** Ids of the TaskManagers that ran (or run) subtasks of the job, over all its vertices. */
const taskManagersOf = async (c: Cluster, jid: string, status?: string): Promise<Set<string>> => {
  const detail = await rest<JobDetail>(c, `/jobs/${jid}`);
  const ids = new Set<string>();
  for (const v of detail.vertices) {
    if (status && v.status !== status) continue;
    const tms = await rest<VertexTms>(c, `/jobs/${jid}/vertices/${v.id}/taskmanagers`);
    for (const t of tms.taskmanagers) if (!status || t.status === status) ids.add(t["taskmanager-id"]);
  }
  return ids;
};

/** Bytes in each process's blob store (cluster.sh puts it under <cluster dir>/<role>/blob). */
const blobBytes = (c: Cluster): Map<string, number> =>
  new Map([...c.pids.keys()].map((role) => [role, duBytes(path.join(c.dir, role, "blob"))]));

/** cluster.sh names each TaskManager's resource id after its role in cluster.pids ("taskmanager-1", ...). */
const pidOfTaskManager = (c: Cluster, tmId: string): number | undefined => c.pids.get(tmId);

/** PROCESS workers: process-boot.sh, Beam's boot program and the Node SDK worker it starts. */
const WORKER_CMD = [PROCESS_BOOT, BOOT, "worker_main.js"];
const workerProcesses = (): Set<number> =>
  new Set(fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ");
      return WORKER_CMD.some((w) => cmd.includes(w)) ? [Number(d)] : [];
    } catch {
      return [];
    }
  }));

/** The process that started a worker's process-boot.sh (its runner: a TaskManager), following parents up. */
const runnerOf = (pid: number): number | undefined => {
  let p = pid;
  for (let i = 0; i < 6; i++) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
    } catch {
      return undefined;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
    let parentCmd = "";
    try {
      parentCmd = fs.readFileSync(`/proc/${ppid}/cmdline`, "utf8");
    } catch {
      return ppid;
    }
    // the outermost process-boot.sh (its watchdog subshell is a process-boot.sh too)
    if (cmd.includes(PROCESS_BOOT) && !WORKER_CMD.some((w) => parentCmd.includes(w))) return ppid;
    p = ppid;
  }
  return undefined;
};

const waitFor = async (what: string, ms: number, ok: () => Promise<boolean> | boolean): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

const eigenvaluesOf = (o: RunOutcome): number[] => {
  const e = o.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
  return e.positive.concat(e.negative);
};

const assertSameResult = async (a: RunOutcome, b: RunOutcome, n: number): Promise<void> => {
  const va = eigenvaluesOf(a);
  const vb = eigenvaluesOf(b);
  assert.equal(vb.length, va.length);
  va.forEach((v, i) => assert.ok(Math.abs(v - vb[i]) <= 1e-9 * Math.abs(v), `eigenvalue ${i}: ${v} vs ${vb[i]}`));
  const db = await openDuckDb();
  const tops = async (o: RunOutcome) => (await queryRows(db, `SELECT mode, rank, id FROM read_parquet(` +
    `${sqlString(path.join(o.result?.outDir as string, "top_samples.parquet"))}) ORDER BY mode, rank`)).map((r) => r.join(" "));
  assert.deepEqual(await tops(b), await tops(a), "same top samples per mode");
  const counts = await queryRows(db, `SELECT count(*), count(DISTINCT row), min(row), max(row) FROM read_parquet(` +
    `${sqlString(path.join(b.result?.outDir as string, "scores", "*.parquet"))})`);
  assert.deepEqual(counts[0].map(Number), [n, n, 0, n - 1], "every row scored exactly once");
};

describe("a multi-process Flink cluster (2 TaskManagers x 2 slots, PROCESS workers)", function () {
  this.timeout(600000);
  let dir = "";
  let c: Cluster | undefined;
  const N = 6000;
  const inputs = (): Record<string, unknown> => ({
    "x.path": path.join(dir, "data", "x"), "x.column": "embedding", "x.id_column": "id",
    "y.path": path.join(dir, "data", "y"), "y.column": "embedding", "y.id_column": "id",
    "kernel.rff": 200, "modes": 3, "top": 20, "seed": 4, "compute.shard_rows": 500,
  });
  const onCluster = (over: Record<string, unknown>): Record<string, unknown> => ({
    ...inputs(), "runner.type": "flink", "runner.flink_master": (c as Cluster).master,
    "runner.environment_type": "PROCESS", "runner.process_command": PROCESS_BOOT, "runner.parallelism": 4,
    "runner.stage_runner_jars": false, ...over,
  });
  let direct: RunOutcome;
  /** worker processes that existed before the cluster started (other tests'): not ours to judge */
  let preexisting = new Set<number>();
  const started = { has: (p: number): boolean => !preexisting.has(p) };

  before(async function () {
    const missing = [defaultJobServerJar(), BOOT, CLUSTER_LIB].filter((f) => !fs.existsSync(f));
    if (process.env.SPEC_BEAM_SKIP_FLINK === "1" || missing.length > 0) {
      const why = `missing ${missing.join(", ")}: run infra/flink/fetch-jobserver.sh, infra/flink/cluster.sh fetch ` +
        "and infra/docker/build-boot.sh";
      if (process.env.SPEC_BEAM_REQUIRE_SERVICES === "1" && missing.length > 0) throw new Error(why);
      this.skip();
      return;
    }
    dir = makeTempDir("flink-cluster");
    synthesize({ out: path.join(dir, "data"), n: N, dx: 24, dy: 32, clusters: 8, merges: 2, noise: 25, files: 4,
      seed: 3, format: "parquet", compression: "none", overwrite: true });
    direct = await runQuiet({ ...inputs(), "out": path.join(dir, "run-direct") });
    if (direct.error) throw direct.error;
    preexisting = workerProcesses();
    cluster("start", path.join(dir, "cluster"), ["--taskmanagers", "2", "--slots", "2"]);
    c = readCluster(path.join(dir, "cluster"));
  });

  after(async () => {
    // by pid, whatever happened in the tests
    if (c) {
      try {
        cluster("stop", c.dir);
      } catch (e) {
        for (const pid of c.pids.values()) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        throw e;
      }
    }
    if (dir) removeDir(dir);
  });

  it("runs the compare job at parallelism 4 on both TaskManagers with the direct runner's result", async () => {
    const live = c as Cluster;
    const since = Date.now();
    const blobsBefore = blobBytes(live);
    const run = await runQuiet(onCluster({ "out": path.join(dir, "run-cluster") }));
    if (run.error) throw run.error;
    await assertSameResult(direct, run, N);
    // no jars shipped: the job server's ~154 MB classpath reached no blob store (the job graph itself is small)
    for (const [role, bytes] of blobBytes(live)) {
      assert.ok(bytes - (blobsBefore.get(role) ?? 0) < 2 ** 20, `${role}'s blob store grew by ${bytes} bytes`);
    }
    const jobs = (await rest<JobOverview>(live, "/jobs/overview")).jobs.filter((j) => j["start-time"] >= since - 60000);
    assert.equal(jobs.length, 1, JSON.stringify(jobs));
    assert.equal(jobs[0].state, "FINISHED");
    const tms = await taskManagersOf(live, jobs[0].jid);
    assert.equal(tms.size, 2, `subtasks ran on ${[...tms].join(", ")}`);
    // the workers' job watch (process-boot.sh) finds this job by its run-tagged name and sees it ended
    assert.match(jobs[0].name, /^spec-beam run \[.+\]$/);
    assert.equal(await endedState(live.master, jobs[0].name), "FINISHED");
  });

  it("still runs a job that ships the runner jars (the default for clusters without them)", async () => {
    const live = c as Cluster;
    const blobsBefore = blobBytes(live);
    const run = await runQuiet(onCluster({ "out": path.join(dir, "run-staged"), "runner.stage_runner_jars": true,
      "runner.parallelism": 2 }));
    if (run.error) throw run.error;
    await assertSameResult(direct, run, N);
    // the jars went to the TaskManagers that ran it (that is the cost runner.stage_runner_jars false avoids); their
    // blob caches drop a finished job's files after blob.service.cleanup.interval, and the test's dir goes at the end
    const grown = [...blobBytes(live)].filter(([role, b]) => role.startsWith("taskmanager") &&
      b - (blobsBefore.get(role) ?? 0) > 100 * 2 ** 20);
    assert.ok(grown.length >= 1, `a TaskManager's blob cache holds the shipped jars: ${JSON.stringify([...blobBytes(live)])}`);
  });

  it("refuses a parallelism the cluster has no slots for, in seconds and saying so", async () => {
    const t0 = Date.now();
    const out = path.join(dir, "run-too-wide");
    const run = await runQuiet(onCluster({ "runner.parallelism": 5, "out": out }));
    assert.ok(run.error, "the run must fail");
    assert.equal(run.error.name, "RunnerError");
    assert.match(run.error.message, /has 4 task slot\(s\) on 2 TaskManager\(s\); parallelism 5 needs 5/);
    assert.ok(Date.now() - t0 < 30000, `took ${Date.now() - t0} ms`);
    assert.ok(nothingPublished(out));
  });

  it("survives a TaskManager killed mid-job: same result, every row once, none of its workers left behind", async () => {
    const live = c as Cluster;
    const since = Date.now();
    const out = path.join(dir, "run-failover");
    const before = workerProcesses();
    // parallelism 2: after the kill the surviving TaskManager's 2 slots can take the restarted subtasks (at 4, the
    // restart waits for slots that no longer exist and fails after slot.request.timeout)
    const running = runQuiet(onCluster({ "runner.parallelism": 2, "out": out }));
    // the TaskManager running subtasks, once the job has started working
    let victim: number | undefined;
    await waitFor("a running subtask", 240000, async () => {
      const jobs = (await rest<JobOverview>(live, "/jobs/overview")).jobs
        .filter((j) => j["start-time"] >= since - 60000 && j.state === "RUNNING");
      if (jobs.length === 0) return false;
      const tms = await taskManagersOf(live, jobs[0].jid, "RUNNING");
      for (const id of tms) victim = victim ?? pidOfTaskManager(live, id);
      return victim !== undefined;
    });
    process.kill(victim as number, "SIGKILL");
    const run = await running;
    if (run.error) throw run.error;
    await assertSameResult(direct, run, N);
    // no worker of this job may be left: the killed TaskManager's lose their runner (process-boot.sh watches it),
    // the survivor's are stopped when the job ends (Beam's process manager, then process-boot.sh's SIGKILL)
    const left = () => [...workerProcesses()].filter((p) => !before.has(p));
    try {
      await waitFor("the job's workers to exit", 60000, () => left().length === 0);
    } catch (e) {
      const ps = childProcess.spawnSync("ps", ["-o", "pid,ppid,pgid,etimes,args", "-p", left().join(",")], { encoding: "utf8" });
      throw new Error(`${(e as Error).message}; left (runner ${left().map(runnerOf).join(", ")}, killed ${victim}):\n${ps.stdout}`);
    }
  });

  it("stopping the cluster stops every JVM and worker it started, by pid", async () => {
    const live = c as Cluster;
    cluster("stop", live.dir);
    c = undefined;
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor("the cluster's JVMs to exit", 30000, () => [...live.pids.values()].every((p) => !alive(p)));
    await waitFor("the workers to exit", 30000, () => [...workerProcesses()].every((p) => !started.has(p)));
  });
});
