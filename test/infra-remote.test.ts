// Remote execution without a cluster: what spec-beam would submit to a Flink cluster (DOCKER workers) and to
// Dataflow, captured by a fake job service (test/infra-fake-job-service.ts, a real gRPC server); the SDK's broken
// DOCKER staging (`npm pack apache-beam@2_49_rc`) against a fake npm registry that answers as the real one does;
// and the worker image's entrypoint contract (the Beam boot program starting out-of-process Node workers) run for
// real as PROCESS workers on the local Flink job server.
import { strict as assert } from "node:assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import * as http from "http";
import { Worker } from "worker_threads";
import childProcess = require("child_process");
import * as beam from "apache-beam";
import { PortableRunner } from "apache-beam/runners/portable_runner/runner";
import * as jobApi from "apache-beam/proto/beam_job_api";
import { startFakeJobService, FakeJobService } from "./infra-fake-job-service";
import { makeTempDir, removeDir } from "./io-helpers";
import { runQuiet, nothingPublished } from "./pipeline-fixtures";
import { synthesize } from "./data/synth";
import { resolveConfig } from "../configs/load";
import { makeRunner, dataflowJobName } from "../beam-runtime/runners";
import { StagedPortableRunner, summarizeJobRequest, installedBeamDir, JobRequestSummary } from "../beam-runtime/sdk-staging";
import { startJobServer, defaultJobServerJar, JobServer } from "../beam-runtime/flink-job-server";

const REPO = path.resolve(__dirname, "..", "..");
const BOOT = path.join(REPO, ".cache", "beam-boot", "boot");
const PROCESS_BOOT = path.join(REPO, "infra", "docker", "process-boot.sh");
const IMAGE = "my/image:tag";
const WORKER_INIT = "spec-beam/dist/beam-runtime/worker-init";

/** Records the argv of every child_process.spawnSync call (the SDK calls it through the module object). */
const spySpawnSync = (): { calls: string[][]; restore: () => void } => {
  const cp = childProcess as unknown as { spawnSync: (...a: unknown[]) => unknown };
  const original = cp.spawnSync;
  const calls: string[][] = [];
  cp.spawnSync = (...a: unknown[]) => {
    calls.push([String(a[0]), ...((Array.isArray(a[1]) ? a[1] : []) as string[])]);
    return original(...a);
  };
  return { calls: calls, restore: () => { cp.spawnSync = original; } };
};

// The registry's answer for apache-beam as checked with `npm view apache-beam dist-tags versions` (2026-12-01):
// dist-tags {latest: 2.49.0}, versions 2.45.0-SNAPSHOT and 2.49.0. Served from a worker thread, because the SDK
// waits for npm with spawnSync, which blocks this thread's event loop.
const REGISTRY_CODE = `
const http = require("http");
const { parentPort, workerData } = require("worker_threads");
const server = http.createServer((req, res) => {
  const name = decodeURIComponent(req.url.split("?")[0].slice(1));
  parentPort.postMessage({ url: req.url });
  if (name === workerData.packument.name) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(workerData.packument));
  } else {
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":"Not found"}');
  }
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => { if (m === "stop") server.close(() => process.exit(0)); });
`;

const startFakeRegistry = async (): Promise<{ url: string; requests: string[]; stop: () => Promise<void> }> => {
  const version = (v: string) => ({ name: "apache-beam", version: v,
    dist: { tarball: `http://127.0.0.1:9/apache-beam/-/apache-beam-${v}.tgz`, shasum: "0".repeat(40) } });
  const packument = { name: "apache-beam", "dist-tags": { latest: "2.49.0" },
    versions: { "2.45.0-SNAPSHOT": version("2.45.0-SNAPSHOT"), "2.49.0": version("2.49.0") } };
  const worker = new Worker(REGISTRY_CODE, { eval: true, workerData: { packument: packument } });
  const requests: string[] = [];
  const port = await new Promise<number>((resolve) => {
    worker.on("message", (m: { port?: number; url?: string }) => {
      if (m.port) resolve(m.port);
      if (m.url) requests.push(m.url);
    });
  });
  return { url: `http://127.0.0.1:${port}/`, requests: requests,
    stop: async () => {
      worker.postMessage("stop");
      await new Promise((resolve) => worker.once("exit", resolve));
    } };
};

/** One entry of a .tgz (ustar), or undefined. */
const tarEntry = (tgz: string, name: string): Buffer | undefined => {
  const buf = zlib.gunzipSync(fs.readFileSync(tgz));
  const field = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString("utf8").replace(/\0[\s\S]*$/, "");
  let off = 0;
  while (off + 512 <= buf.length) {
    const entry = field(buf, off, off + 100);
    if (!entry) return undefined;
    const size = parseInt(field(buf, off + 124, off + 136).trim() || "0", 8);
    if (entry === name) return buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
};

const tinyPipeline = (root: beam.Root): void => {
  root.apply(beam.create([1, 2, 3])).map((x: number) => x + 1);
};

const dockerEnvironments = (s: JobRequestSummary) => s.environments.filter((e) => e.urn === "beam:env:docker:v1");

describe("infra: remote execution (fake job service, fake npm registry, PROCESS workers)", function () {
  this.timeout(600000);
  let dir = "";
  let fake: FakeJobService;
  const savedEnv = { ...process.env };

  before(async () => {
    dir = makeTempDir("infra");
    synthesize({ out: path.join(dir, "data"), n: 240, dx: 8, dy: 6, clusters: 4, merges: 1, noise: 25, files: 2,
      seed: 5, format: "parquet", compression: "none", overwrite: true });
    fake = await startFakeJobService();
  });

  after(async () => {
    if (fake) await fake.stop();
    if (dir) removeDir(dir);
    process.env = savedEnv;
  });

  const inputs = (): Record<string, unknown> => ({
    "x.path": path.join(dir, "data", "x"), "x.column": "embedding", "x.id_column": "id",
    "y.path": path.join(dir, "data", "y"), "y.column": "embedding", "y.id_column": "id",
    "kernel.rff": 12, "modes": 2, "top": 5, "compute.shard_rows": 60,
  });

  describe("the SDK's DOCKER staging", () => {
    it("unpatched: the SDK runs `npm pack apache-beam@2_49_rc`, npm answers ETARGET and nothing is submitted", async () => {
      const registry = await startFakeRegistry();
      const cache = fs.mkdtempSync(path.join(os.tmpdir(), "spec-beam-npm-cache-"));
      const spy = spySpawnSync();
      const before = fake.prepared.length;
      process.env.npm_config_registry = registry.url;
      process.env.npm_config_cache = cache;
      process.env.npm_config_fetch_retries = "0";
      let error: Error | undefined;
      try {
        await new PortableRunner({ jobEndpoint: fake.endpoint, environmentType: "DOCKER", sdkContainerImage: IMAGE })
          .runAsync(tinyPipeline);
      } catch (e) {
        error = e as Error;
      } finally {
        spy.restore();
        process.env = { ...savedEnv };
        await registry.stop();
        fs.rmSync(cache, { recursive: true, force: true });
        // the SDK leaves its beam-pack-* directory behind
        for (const c of spy.calls) {
          const i = c.indexOf("--pack-destination");
          if (i > 0) fs.rmSync(c[i + 1], { recursive: true, force: true });
        }
      }
      assert.ok(error, "the SDK's DOCKER path should fail");
      assert.match(error.message, /ETARGET[\s\S]*No matching version found for apache-beam@2_49_rc/);
      assert.ok(spy.calls.some((c) => c[0] === "npm" && c[1] === "pack" && c[2] === "apache-beam@2_49_rc"),
        `spawned: ${JSON.stringify(spy.calls)}`);
      assert.ok(registry.requests.some((u) => u.startsWith("/apache-beam")), "npm asked the registry for apache-beam");
      assert.equal(fake.prepared.length, before, "nothing reached the job service");
    });

    it("patched, staging npm: packs the installed apache-beam 2.49.0 and this project, never the 2_49_rc tag", async () => {
      const spy = spySpawnSync();
      const seen: { role: string; payload: string; name?: string; version?: string; shaOk: boolean }[] = [];
      const local = await startFakeJobService({
        finalState: jobApi.JobState_Enum.DONE,
        onPrepare: (request) => {
          for (const env of summarizeJobRequest(request).environments) {
            for (const d of env.dependencies) {
              const manifest = JSON.parse((tarEntry(d.path, "package/package.json") as Buffer).toString("utf8"));
              const sha = crypto.createHash("sha256").update(fs.readFileSync(d.path)).digest("hex");
              seen.push({ role: d.role, payload: d.role_payload, name: manifest.name, version: manifest.version,
                shaOk: sha === d.sha256 });
            }
          }
        },
      });
      let staged: string[] = [];
      try {
        const runner = new StagedPortableRunner({ jobEndpoint: local.endpoint, environmentType: "DOCKER",
          sdkContainerImage: IMAGE }, { type: "DOCKER", image: IMAGE, staging: "npm" });
        const result = (await runner.runAsync(tinyPipeline)) as unknown as { getState: () => Promise<{ state: number }> };
        assert.equal((await result.getState()).state, jobApi.JobState_Enum.DONE);
        staged = summarizeJobRequest(local.prepared[0]).environments.flatMap((e) => e.dependencies.map((d) => d.path));
      } finally {
        spy.restore();
        await local.stop();
      }
      assert.ok(!spy.calls.some((c) => c.some((a) => a.includes("2_49_rc"))), JSON.stringify(spy.calls));
      assert.ok(spy.calls.some((c) => c[1] === "pack" && c[2] === installedBeamDir()), JSON.stringify(spy.calls));
      assert.deepEqual(seen.map((s) => [s.role, s.payload, s.name, s.version]), [
        ["beam:artifact:type:npm:v1", "", "spec-beam", "0.1.0"],
        ["beam:artifact:type:npm_dep:v1", "apache-beam-unused", "apache-beam", "2.49.0"],
        ["beam:artifact:type:npm:v1", "apache-beam", "apache-beam", "2.49.0"],
      ]);
      assert.ok(seen.every((s) => s.shaOk), "sha256 in the request matches the staged file");
      assert.ok(staged.length === 3 && staged.every((f) => !fs.existsSync(f)), "staged tarballs are removed after submission");
    });
  });

  describe("compare on a Flink cluster with DOCKER workers (job captured by the fake)", () => {
    let captured: JobRequestSummary;
    let error: Error | undefined;
    let spawned: string[][] = [];
    const out = () => path.join(dir, "run-flink-docker");

    before(async () => {
      const spy = spySpawnSync();
      const before = fake.prepared.length;
      try {
        const r = await runQuiet({ ...inputs(), "runner.type": "flink", "runner.flink_master": "jm.example:8081",
          "runner.environment_type": "DOCKER", "runner.sdk_container_image": IMAGE, "runner.job_endpoint": fake.endpoint,
          "runner.parallelism": 3, "out": out() });
        error = r.error;
      } finally {
        spy.restore();
      }
      spawned = spy.calls;
      assert.equal(fake.prepared.length, before + 1, "one job prepared");
      captured = summarizeJobRequest(fake.prepared[fake.prepared.length - 1]);
    });

    it("submits one DOCKER environment with our image and nothing staged (the image holds the project)", () => {
      const docker = dockerEnvironments(captured);
      assert.equal(docker.length, 1, JSON.stringify(captured.environments.map((e) => e.urn)));
      assert.equal(docker[0].image, IMAGE);
      assert.deepEqual(docker[0].dependencies, []);
      assert.ok(!captured.environments.some((e) => e.urn === "js_default" || e.urn === "beam:env:external:v1"));
      assert.ok(!spawned.some((c) => c[0] === "npm"), `no npm call: ${JSON.stringify(spawned)}`);
    });

    it("keeps each DoFn payload small: no side input drags the pipeline into it (beam-runtime/side-input.ts)", () => {
      const req = fake.prepared[fake.prepared.length - 1];
      const transforms = Object.values(req.pipeline?.components?.transforms ?? {});
      const sizes = transforms.map((t) => ({ name: t.uniqueName, bytes: t.spec?.payload.length ?? 0 }));
      const biggest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      // with the SDK's own iterableSideInput the score ParDo alone was ~3.8 MB here (the whole pipeline as JSON)
      assert.ok(biggest.bytes < 64 * 1024, `largest payload ${biggest.name}: ${biggest.bytes} bytes`);
      assert.ok(sizes.some((s) => /(^|\/)score$/.test(s.name)), "the score ParDo is in the job");
    });

    it("passes parallelism, environment and the worker-init module the workers must load", () => {
      const o = captured.pipeline_options;
      assert.equal(o.parallelism, 3);
      assert.equal(o.environment_type, "DOCKER");
      assert.equal(o.sdk_container_image, IMAGE);
      // the config's name plus a run tag (host-pid-time) that the workers' job watch finds the job by
      assert.match(String(o.job_name), /^spec-beam run \[[^\]]+-\d+-[0-9a-z]+\]$/);
      const modules = o.registered_node_modules as string[];
      for (const m of ["spec-beam/dist/worker/index", "spec-beam/dist/beam-runtime/coders", WORKER_INIT]) {
        assert.ok(modules.includes(m), `${m} in ${JSON.stringify(modules)}`);
      }
    });

    it("reports the job's failure and publishes nothing", () => {
      assert.ok(error);
      assert.match(error.message, /job ended in state FAILED/);
      assert.ok(nothingPublished(out()));
    });
  });

  describe("compare on Dataflow (job captured by the fake Python job service)", () => {
    let captured: JobRequestSummary;
    let error: Error | undefined;
    const out = () => path.join(dir, "run-dataflow");
    const dataflow = (): Record<string, unknown> => ({ ...inputs(), "runner.type": "dataflow", "runner.project": "p",
      "runner.region": "r", "runner.temp_location": "gs://b/t", "runner.sdk_container_image": IMAGE,
      "runner.pipeline_options": { max_num_workers: 7 } });

    before(async () => {
      const before = fake.prepared.length;
      const r = await runQuiet({ ...dataflow(), "runner.job_endpoint": fake.endpoint, "out": out() });
      error = r.error;
      assert.equal(fake.prepared.length, before + 1, "one job prepared");
      captured = summarizeJobRequest(fake.prepared[fake.prepared.length - 1]);
    });

    it("sends project, region, temp location, image, experiments and a valid job name", () => {
      const o = captured.pipeline_options;
      assert.equal(o.project, "p");
      assert.equal(o.region, "r");
      assert.equal(o.temp_location, "gs://b/t");
      assert.equal(o.sdk_container_image, IMAGE);
      assert.equal(o.environment_type, "DOCKER");
      assert.equal(o.max_num_workers, 7);
      assert.deepEqual(o.experiments, ["use_runner_v2", "use_sibling_sdk_workers"]);
      assert.equal(o.parallelism, undefined);
      assert.match(String(o.job_name), /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      assert.equal(captured.job_name, o.job_name);
      const docker = dockerEnvironments(captured);
      assert.equal(docker.length, 1);
      assert.equal(docker[0].image, IMAGE);
      assert.deepEqual(docker[0].dependencies, []);
      assert.ok(error && /job ended in state FAILED/.test(error.message), String(error));
      assert.ok(nothingPublished(out()));
    });

    it("the dry run prints the same request without any network", async () => {
      const cfg = resolveConfig({ flags: { ...dataflow(), "runner.dry_run": true, "out": path.join(dir, "dry") } });
      const runner = await makeRunner(cfg);
      assert.equal(runner.dryRun, true);
      const write = process.stdout.write.bind(process.stdout);
      let printed = "";
      (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => {
        printed += s;
        return true;
      };
      const before = fake.prepared.length;
      try {
        await runner.run(tinyPipeline);
      } finally {
        (process.stdout as unknown as { write: typeof write }).write = write;
      }
      assert.equal(fake.prepared.length, before, "nothing submitted");
      const shown = JSON.parse(printed) as { dry_run: boolean; request: JobRequestSummary };
      assert.equal(shown.dry_run, true);
      const strip = (o: Record<string, unknown>) => {
        const c = { ...o };
        delete c.job_name;
        delete c.job_endpoint;
        delete c.registered_node_modules;
        return c;
      };
      assert.deepEqual(strip(shown.request.pipeline_options), strip(captured.pipeline_options));
      assert.deepEqual(dockerEnvironments(shown.request), dockerEnvironments(captured));
    });

    it("refuses incomplete Dataflow settings, naming what is missing", async () => {
      const bad = async (over: Record<string, unknown>) => {
        const cfg = resolveConfig({ flags: { ...dataflow(), "runner.dry_run": true, "out": path.join(dir, "x"), ...over } });
        return makeRunner(cfg).then(() => "no error", (e: Error) => e.message);
      };
      assert.match(await bad({ "runner.project": undefined, "runner.region": undefined }), /runner\.project, runner\.region/);
      assert.match(await bad({ "runner.temp_location": "/tmp/t" }), /temp_location '\/tmp\/t'.*gs:\/\//);
      assert.match(await bad({ "runner.sdk_container_image": undefined }), /sdk_container_image/);
      assert.match(await bad({ "runner.parallelism": 4 }), /max_num_workers/);
      assert.match(await bad({ "runner.environment_type": "PROCESS" }), /DOCKER workers only/);
      const noEndpoint = resolveConfig({ flags: { ...dataflow(), "out": path.join(dir, "x") } });
      await assert.rejects(makeRunner(noEndpoint), /infra\/dataflow\/launch\.sh/);
    });

    it("derives Dataflow-safe job names", () => {
      const t = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
      assert.equal(dataflowJobName("SPEC: CLIP vs DINOv2!", t), "spec-clip-vs-dinov2-20260102030405");
      assert.equal(dataflowJobName("2024 run", t), "run-20260102030405");
      assert.equal(dataflowJobName("***", t), "spec-beam-20260102030405");
    });
  });

  describe("--flink-master host:port: the job server we start submits to that JobManager", () => {
    it("uploads the translated job and the runner's jars to the JobManager's REST API (a fake that refuses it)", async function () {
      if (process.env.SPEC_BEAM_SKIP_FLINK === "1" || !fs.existsSync(defaultJobServerJar())) {
        if (process.env.SPEC_BEAM_REQUIRE_SERVICES === "1") throw new Error(`missing ${defaultJobServerJar()}`);
        this.skip();
        return;
      }
      const requests: string[] = [];
      const uploaded = new Set<string>();
      const jm = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === "GET" && req.url === "/overview") {
          // the slot check before submission (beam-runtime/flink-rest.ts) sees a cluster with room for the job
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ "taskmanagers": 1, "slots-total": 4, "slots-available": 4, "jobs-running": 0,
            "flink-version": "1.15.0" }));
          return;
        }
        let carry = "";
        req.on("data", (chunk: Buffer) => {
          // multipart part headers name the uploaded files; keep a tail so a name split across chunks is seen
          const text = carry + chunk.toString("latin1");
          for (const m of text.matchAll(/filename="([^"]+)"/g)) uploaded.add(m[1]);
          carry = text.slice(-300);
        });
        req.on("end", () => {
          requests.push(`${req.method} ${req.url} (body received)`);
          res.writeHead(503, { "content-type": "application/json" });
          res.end('{"errors":["fake JobManager"]}');
        });
      });
      const port = await new Promise<number>((resolve) => jm.listen(0, "127.0.0.1", () => resolve((jm.address() as { port: number }).port)));
      const cfg = resolveConfig({ flags: { ...inputs(), "runner.type": "flink", "runner.flink_master": `127.0.0.1:${port}`,
        "runner.environment_type": "DOCKER", "runner.sdk_container_image": IMAGE, "out": path.join(dir, "run-remote") } });
      const runner = await makeRunner(cfg);
      let failure: Error | undefined;
      const running = runner.run(tinyPipeline).catch((e: Error) => {
        failure = e;
      });
      try {
        const deadline = Date.now() + 180000;
        // a refused upload is retried, so wait for one that carried the runner's jar (or for the deadline)
        const submitted = () => uploaded.has("beam-runners-flink-1.15-2.49.0.jar") &&
          requests.some((r) => /^POST \/v1\/jobs .*body received/.test(r));
        while (!submitted() && !failure && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } finally {
        await runner.close();
        await running;
        await new Promise((resolve) => jm.close(resolve));
      }
      assert.ok(requests.some((r) => /^POST \/v1\/jobs .*body received/.test(r)),
        `JobManager requests: ${JSON.stringify(requests)}; run error: ${failure?.message.slice(0, 400)}`);
      assert.ok(failure, "the run cannot succeed against a refusing JobManager");
      // the submission carries the job graph and the Beam runner's classes for the cluster
      const names = [...uploaded];
      assert.ok(names.some((n) => /^flink-jobgraph.*\.bin$/.test(n)), JSON.stringify(names.slice(0, 5)));
      assert.ok(names.includes("beam-runners-flink-1.15-2.49.0.jar"), `${names.length} files uploaded: ${JSON.stringify(names.slice(0, 12))}; requests ${JSON.stringify(requests)}`);
    });
  });

  describe("the worker image's entrypoint contract, as PROCESS workers on the local Flink job server", () => {
    const skipFlink = process.env.SPEC_BEAM_SKIP_FLINK === "1";
    let server: JobServer | undefined;

    before(async function () {
      if (skipFlink) {
        this.skip();
        return;
      }
      const missing = [defaultJobServerJar(), BOOT].filter((f) => !fs.existsSync(f));
      if (missing.length > 0) {
        const why = `missing ${missing.join(", ")}: run infra/flink/fetch-jobserver.sh and infra/docker/build-boot.sh`;
        if (process.env.SPEC_BEAM_REQUIRE_SERVICES === "1") throw new Error(why);
        console.log(`      (skipped: ${why})`);
        this.skip();
        return;
      }
      server = await startJobServer();
    });

    after(async () => {
      if (server) await server.stop();
    });

    it("boots out-of-process Node workers through Beam's boot program and matches the direct runner", async () => {
      const live = server as JobServer;
      const direct = await runQuiet({ ...inputs(), "out": path.join(dir, "run-direct") });
      if (direct.error) throw direct.error;
      const proc = await runQuiet({ ...inputs(), "runner.type": "flink", "runner.environment_type": "PROCESS",
        "runner.process_command": PROCESS_BOOT, "runner.job_endpoint": live.endpoint, "runner.parallelism": 2,
        "out": path.join(dir, "run-process") });
      if (proc.error) throw new Error(`${proc.error.message}\njob server log:\n${live.logTail(40)}`);
      const a = direct.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
      const b = proc.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
      const va = a.positive.concat(a.negative);
      const vb = b.positive.concat(b.negative);
      assert.equal(vb.length, va.length);
      va.forEach((v, i) => assert.ok(Math.abs(v - vb[i]) <= 1e-9 * Math.abs(v), `eigenvalue ${i}: ${v} vs ${vb[i]}`));
      assert.match(String(proc.result?.summary.runner), /PROCESS workers/);
      // the workers were other processes, and they loaded worker-init (registration + patches) before working
      const log = fs.readFileSync(live.logFile, "utf8");
      const pids = [...log.matchAll(/spec-beam worker (\d+): worker modules registered, worker patches applied: true/g)]
        .map((m) => Number(m[1]));
      assert.ok(pids.length > 0, `no worker-init line in ${live.logFile}`);
      assert.ok(pids.every((p) => p !== process.pid));
    });
  });
});
