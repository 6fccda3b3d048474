// `make bench-flink`: what a job costs a multi-process Flink cluster (infra/flink/cluster.sh, 2 TaskManagers x 2
// slots, PROCESS workers) before any work is done, with and without shipping the job server's classpath
// (runner.stage_runner_jars), printed as ONE JSON object:
//   submit_s      our run's start -> the JobManager accepting the job (job server start, translation, jar upload)
//   run_s         the whole compare run, wall clock
//   blob_mb       growth of the JobManager's and each TaskManager's blob store during the job, read right after it
//   ratio         staged / not staged, measured in the same run
//
//   node dist/bench/flink-submit.js [--n 3000] [--jobs 2]
// Each mode runs `jobs` times on the same cluster (the first job of a fresh cluster pays the JVMs' warm-up, so the
// modes alternate). Needs infra/flink/fetch-jobserver.sh, infra/flink/cluster.sh fetch, infra/docker/build-boot.sh.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthesize } from "../test/data/synth";
import { duBytes } from "../test/io-helpers";
import { resolveConfig } from "../configs/load";
import { runCompare } from "../pipelines/compare";

const REPO = path.resolve(__dirname, "..", "..");
const CLUSTER_SH = path.join(REPO, "infra", "flink", "cluster.sh");
const PROCESS_BOOT = path.join(REPO, "infra", "docker", "process-boot.sh");

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

interface JobOverview {
  jobs: { jid: string; "start-time": number }[];
}

const main = async (): Promise<void> => {
  const n = arg("n", 3000);
  const jobs = arg("jobs", 2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-flink-submit-"));
  const dir = path.join(work, "cluster");
  const env = { ...process.env, SPEC_BEAM_FLINK_CLUSTER_DIR: dir, SPEC_BEAM_FLINK_REST_PORT: "0" };
  const cluster = (cmd: string): void => {
    childProcess.execFileSync("bash", [CLUSTER_SH, cmd, ...(cmd === "start" ? ["--taskmanagers", "2"] : [])],
      { env: env, stdio: ["ignore", "ignore", "inherit"] });
  };
  synthesize({ out: path.join(work, "data"), n: n, dx: 24, dy: 32, clusters: 8, merges: 2, noise: 25, files: 2,
    seed: 3, format: "parquet", compression: "none", overwrite: true });
  cluster("start");
  try {
    const port = /REST_PORT=(\d+)/.exec(fs.readFileSync(path.join(dir, "cluster.env"), "utf8"))?.[1];
    const master = `127.0.0.1:${port}`;
    const roles = fs.readFileSync(path.join(dir, "cluster.pids"), "utf8").trim().split("\n").map((l) => l.split(" ")[0]);
    const blobs = (): Record<string, number> =>
      Object.fromEntries(roles.map((r) => [r, duBytes(path.join(dir, r, "blob"))]));
    const samples: Record<string, { submit_s: number[]; run_s: number[]; blob_mb: Record<string, number>[] }> = {
      staged: { submit_s: [], run_s: [], blob_mb: [] }, not_staged: { submit_s: [], run_s: [], blob_mb: [] } };
    for (let j = 0; j < 2 * jobs; j++) {
      const mode = j % 2 === 0 ? "staged" : "not_staged";
      const before = blobs();
      const t0 = Date.now();
      const cfg = resolveConfig({ flags: {
        "x.path": path.join(work, "data", "x"), "x.column": "embedding", "x.id_column": "id",
        "y.path": path.join(work, "data", "y"), "y.column": "embedding", "y.id_column": "id",
        "kernel.rff": 100, "modes": 3, "seed": 4, "out": path.join(work, `run-${j}`),
        "runner.type": "flink", "runner.flink_master": master, "runner.environment_type": "PROCESS",
        "runner.process_command": PROCESS_BOOT, "runner.parallelism": 2,
        "runner.stage_runner_jars": mode === "staged" } });
      await runCompare(cfg, { progress: false });
      const runS = (Date.now() - t0) / 1000;
      const after = blobs();
      const overview = await (await fetch(`http://${master}/jobs/overview`)).json() as JobOverview;
      const job = overview.jobs.filter((o) => o["start-time"] >= t0).sort((a, b) => a["start-time"] - b["start-time"])[0];
      samples[mode].submit_s.push((job["start-time"] - t0) / 1000);
      samples[mode].run_s.push(runS);
      samples[mode].blob_mb.push(Object.fromEntries(roles.map((r) => [r, +((after[r] - before[r]) / 2 ** 20).toFixed(1)])));
    }
    const mean = (v: number[]): number => +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2);
    const summary = (m: string) => ({ submit_s: mean(samples[m].submit_s), run_s: mean(samples[m].run_s),
      samples: samples[m] });
    const staged = summary("staged");
    const notStaged = summary("not_staged");
    process.stdout.write(`${JSON.stringify({ bench: "flink-submit", n: n, jobs_per_mode: jobs, taskmanagers: 2,
      staged: staged, not_staged: notStaged,
      ratio: { submit_s: +(staged.submit_s / notStaged.submit_s).toFixed(2), run_s: +(staged.run_s / notStaged.run_s).toFixed(2) },
    })}\n`);
  } finally {
    cluster("stop");
    fs.rmSync(work, { recursive: true, force: true });
  }
};

main().catch((e) => {
  process.stderr.write(`bench flink-submit: ${(e as Error).stack}\n`);
  process.exit(1);
});
