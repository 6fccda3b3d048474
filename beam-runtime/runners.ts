// Runner selection. direct: Beam's in-process runner (nothing to start). flink: a Beam Flink job server (started
// here from .cache/jars with --flink-master runner.flink_master, unless runner.job_endpoint names a running one)
// executing the job with LOOPBACK workers in this process (master [local]), DOCKER workers (runner.
// sdk_container_image, the image of infra/docker/) or PROCESS workers (runner.process_command on each worker host).
// dataflow: submitted to a running Python Dataflow job service (runner.job_endpoint, started by
// infra/dataflow/launch.sh) with DOCKER workers. runner.dry_run prints the job request instead of submitting it.
import * as os from "os";
import * as path from "path";
import * as beam from "apache-beam";
import { directRunner } from "apache-beam/runners/direct_runner";
import { requireForSerialization } from "apache-beam/serialization";
import type { SpecConfig } from "../configs/schema";
import { defaultJobServerJar, NO_STAGING_DETECTOR, stagingJarFor, startJobServer, JobServer } from "./flink-job-server";
import { applyWorkerPatches } from "./worker-patches";
import { runOnJobServer, portableOptions, JobRunOptions } from "./flink-run";
import { withQuietConsole } from "./quiet-console";
import { captureJobRequest, summarizeJobRequest, WorkerEnvironment } from "./sdk-staging";
import { WORKER_INIT_MODULE } from "./worker-init";
import { isLocalHost } from "./local-host";
import { checkSlots } from "./flink-rest";

interface ManagedRunner {
  run: (pipeline: (root: beam.Root) => void) => Promise<void>;
  close: () => Promise<void>;
  /** runner.dry_run: run() printed the job request on stdout and submitted nothing (so there are no results) */
  dryRun?: boolean;
}

type EnvironmentType = "LOOPBACK" | "DOCKER" | "PROCESS";
type RunnerConfig = SpecConfig["runner"];

// Dataflow runs TypeScript workers only through Runner v2; sibling workers is what the SDK's dataflowRunner sets.
const DATAFLOW_EXPERIMENTS = ["use_runner_v2", "use_sibling_sdk_workers"];

/** Default: LOOPBACK when the Flink master runs on this host (beam-runtime/local-host.ts), DOCKER otherwise. */
const environmentOf = (r: RunnerConfig): EnvironmentType =>
  r.environment_type ?? (r.type === "dataflow" || !isLocalHost(r.flink_master) ? "DOCKER" : "LOOPBACK");

const runnerDescription = (cfg: SpecConfig): string => {
  const r = cfg.runner;
  if (r.type === "direct") return "direct (in-process)";
  const dry = r.dry_run ? ", dry run" : "";
  if (r.type === "flink") {
    return `flink (master ${r.flink_master}${r.job_endpoint ? `, job server ${r.job_endpoint}` : ""}, ` +
      `${environmentOf(r)} workers${dry})`;
  }
  return `dataflow (project ${r.project ?? "?"}, region ${r.region ?? "?"}${dry})`;
};

/** Dataflow job names: [a-z]([-a-z0-9]*[a-z0-9])?, unique per running job. */
const dataflowJobName = (name: string, now: Date = new Date()): string => {
  const base = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "") || "spec-beam";
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${base.slice(0, 40)}-${stamp}`;
};

const workerEnvironment = (r: RunnerConfig, env: EnvironmentType): WorkerEnvironment | undefined => {
  if (env === "LOOPBACK") return undefined;
  if (env === "DOCKER") {
    if (!r.sdk_container_image) {
      throw new Error(`runner ${r.type} with DOCKER workers needs runner.sdk_container_image (--sdk-container-image; ` +
        "build it with infra/docker/Dockerfile, see infra/README.md)");
    }
    return { type: "DOCKER", image: r.sdk_container_image, staging: r.staging };
  }
  if (!r.process_command) {
    throw new Error(`runner ${r.type} with PROCESS workers needs runner.process_command (e.g. infra/docker/process-boot.sh)`);
  }
  if (r.staging === "npm") {
    throw new Error("runner.staging npm with PROCESS workers would npm-install into the project directory the workers " +
      "run in: use staging image (the host already holds the built project)");
  }
  return { type: "PROCESS", command: r.process_command, staging: "image" };
};

/** Everything but the endpoint of the job run: environment, staging and pipeline options per runner. */
const jobRunOptions = (cfg: SpecConfig): Omit<JobRunOptions, "endpoint"> => {
  const r = cfg.runner;
  const env = environmentOf(r);
  if (r.type === "dataflow") {
    if (env !== "DOCKER") throw new Error(`runner dataflow runs DOCKER workers only, not ${env}`);
    const missing = (["project", "region", "temp_location"] as const).filter((k) => !r[k]);
    if (missing.length > 0) {
      throw new Error(`runner dataflow needs ${missing.map((k) => `runner.${k}`).join(", ")} ` +
        `(--${missing.map((k) => k.replace("_", "-")).join(", --")})`);
    }
    if (!(r.temp_location as string).startsWith("gs://")) {
      throw new Error(`runner.temp_location '${r.temp_location}': Dataflow needs a gs:// location`);
    }
    if (r.parallelism !== undefined) {
      throw new Error("runner.parallelism is a Flink option; for Dataflow set runner.pipeline_options.max_num_workers");
    }
    if (r.stage_runner_jars === false) throw new Error("runner.stage_runner_jars is a Flink cluster option");
    const worker = workerEnvironment(r, env) as WorkerEnvironment;
    return {
      environmentType: "DOCKER", worker: worker, sdkContainerImage: worker.image,
      pipelineOptions: { project: r.project, region: r.region, tempLocation: r.temp_location,
        sdkContainerImage: worker.image, jobName: dataflowJobName(cfg.name), experiments: DATAFLOW_EXPERIMENTS,
        ...r.pipeline_options },
    };
  }
  const worker = workerEnvironment(r, env);
  // the job server otherwise ships its own classpath with every job (docs/beam-sdk-findings.md, "Flink cluster")
  const noStaging = r.stage_runner_jars === false && r.flink_master !== "[local]" ?
    { pipelineResourcesDetectorFactoryClass: NO_STAGING_DETECTOR } : {};
  return {
    environmentType: env, worker: worker, sdkContainerImage: worker?.image, parallelism: r.parallelism ?? 2,
    pipelineOptions: { jobName: flinkJobName(cfg.name), ...noStaging, ...r.pipeline_options },
  };
};

/** The name plus a run tag: process-boot.sh's job watch (beam-runtime/flink-job-watch.ts) finds the job by it. */
const flinkJobName = (name: string): string =>
  `${name} [${os.hostname()}-${process.pid}-${Date.now().toString(36)}]`;

const warnAboutOutputs = (cfg: SpecConfig, env: EnvironmentType): void => {
  // PROCESS workers of a mini-cluster or of a cluster on this host run here, on this filesystem
  const local = cfg.runner.type === "flink" &&
    (cfg.runner.flink_master === "[local]" || isLocalHost(cfg.runner.flink_master));
  if (env === "LOOPBACK" || (env === "PROCESS" && local) || cfg.out.startsWith("gs://")) return;
  process.stderr.write(`[runner] note: the workers write the job's results under ${path.dirname(path.resolve(cfg.out))} ` +
    "on their own filesystem; the run can only complete if that directory is storage shared with this machine at " +
    "the same path: use --out gs://bucket/path for remote workers (see infra/README.md, 'Outputs')\n");
};

/**
 * The runner options' own errors (a missing worker image, Dataflow's project/region/temp location, a dry run of
 * LOOPBACK workers, Dataflow without a job service), found without touching the inputs, the network or
 * credentials: the CLI calls this before planning, so a usage mistake costs nothing.
 */
const checkRunnerConfig = (cfg: SpecConfig): void => {
  const r = cfg.runner;
  if (r.type === "direct") return;
  const env = jobRunOptions(cfg).environmentType;
  if (r.dry_run && env === "LOOPBACK") {
    throw new Error("runner.dry_run describes a submission to a cluster: it needs DOCKER or PROCESS workers " +
      "(LOOPBACK workers would live in this process)");
  }
  if (r.type === "dataflow" && !r.dry_run && !r.job_endpoint) {
    throw new Error("runner dataflow submits to a running Dataflow job service: start it with " +
      "infra/dataflow/launch.sh (which passes --job-endpoint), or give runner.job_endpoint; --dry-run prints the job");
  }
};

const makeRunner = async (cfg: SpecConfig): Promise<ManagedRunner> => {
  const r = cfg.runner;
  if (r.type === "direct") {
    return {
      run: (p) => withQuietConsole(async () => {
        await directRunner().run(p);
      }),
      close: async () => undefined,
    };
  }
  checkRunnerConfig(cfg);
  const job = jobRunOptions(cfg);
  const env = job.environmentType;
  // workers in other processes apply this process's worker patches when they load beam-runtime/worker-init.ts
  if (env !== "LOOPBACK") requireForSerialization(WORKER_INIT_MODULE, {});
  if (r.dry_run) {
    return {
      run: async (p) => {
        const options = portableOptions({ endpoint: r.job_endpoint ?? "(dry run: not submitted)", ...job });
        const request = await withQuietConsole(() => captureJobRequest(p, options, job.worker));
        const shown = { dry_run: true, runner: runnerDescription(cfg), job_endpoint: r.job_endpoint ?? null,
          request: summarizeJobRequest(request) };
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      },
      close: async () => undefined,
      dryRun: true,
    };
  }
  if (env === "LOOPBACK") {
    // the SDK worker's 4 MiB gRPC receive limit and its out-of-order data handling (beam-runtime/worker-patches.ts)
    applyWorkerPatches();
  } else {
    warnAboutOutputs(cfg, env);
  }
  // the cluster our own job server submits to (with runner.job_endpoint the job server, and its view of the
  // master, are the user's); fail in seconds, not after the slot-request timeout: a job needs `parallelism` free
  // slots at once
  const cluster = r.type === "flink" && r.flink_master !== "[local]" && !r.job_endpoint ? r.flink_master : undefined;
  if (cluster) await checkSlots(cluster, r.parallelism ?? 2);
  let server: JobServer | undefined;
  if (!r.job_endpoint) {
    const jar = r.flink_job_server_jar ?? defaultJobServerJar();
    server = await startJobServer({ jar: jar, flinkMaster: r.flink_master, artifactsDir: r.artifacts_dir,
      classpath: r.stage_runner_jars === false ? [stagingJarFor(jar)] : [] });
  }
  const endpoint = r.job_endpoint ?? (server as JobServer).endpoint;
  let failed = false;
  return {
    run: async (p) => {
      try {
        await runOnJobServer(p, { endpoint: endpoint, ...job,
          logTail: server ? () => server.logTail(30) : undefined, logFile: server?.logFile, flinkMaster: cluster,
          quiet: true });
      } catch (e) {
        failed = true;
        throw e;
      }
    },
    // a failed run's message names the job server's log; a successful run leaves nothing in the temp dir
    close: async () => {
      if (server) await server.stop({ keepLog: failed });
    },
  };
};

export { environmentOf, checkRunnerConfig, makeRunner, runnerDescription, jobRunOptions, dataflowJobName, ManagedRunner };
