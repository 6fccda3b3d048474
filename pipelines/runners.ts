// Runner selection. direct: Beam's in-process runner (nothing to start). flink: a Beam Flink job server (started
// here from .cache/jars unless runner.job_endpoint names a running one) executing the job with LOOPBACK workers in
// this process (master [local]) or DOCKER workers (a remote cluster, runner.sdk_container_image). dataflow: a
// documented launch path (infra/dataflow/), not runnable from here.
import * as beam from "apache-beam";
import { directRunner } from "apache-beam/runners/direct_runner";
import type { SpecConfig } from "../configs/schema";
import { startJobServer, JobServer } from "../infra/flink/jobserver";
import { applyWorkerPatches } from "../transforms/worker-patches";
import { runOnJobServer } from "./flink-run";
import { withQuietConsole } from "./quiet-console";

interface ManagedRunner {
  run: (pipeline: (root: beam.Root) => void) => Promise<void>;
  close: () => Promise<void>;
}

const runnerDescription = (cfg: SpecConfig): string => {
  const r = cfg.runner;
  if (r.type === "direct") return "direct (in-process)";
  if (r.type === "flink") {
    return `flink (master ${r.flink_master}${r.job_endpoint ? `, job server ${r.job_endpoint}` : ""}, ` +
      `${r.environment_type ?? (r.flink_master === "[local]" ? "LOOPBACK" : "DOCKER")} workers)`;
  }
  return `dataflow (project ${r.project ?? "?"}, region ${r.region ?? "?"})`;
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
  if (r.type === "dataflow") {
    throw new Error("runner dataflow: submit with infra/dataflow/launch.sh (see its README); the TypeScript SDK is " +
      "not on Dataflow's supported list, so spec-beam does not submit to it directly");
  }
  const env = r.environment_type ?? (r.flink_master === "[local]" ? "LOOPBACK" : "DOCKER");
  if (env === "DOCKER" && !r.sdk_container_image) {
    throw new Error("runner flink with DOCKER workers needs runner.sdk_container_image (see infra/flink/README.md)");
  }
  // the SDK worker's 4 MiB gRPC receive limit and its out-of-order data handling (transforms/worker-patches.ts)
  if (env === "LOOPBACK") applyWorkerPatches();
  let server: JobServer | undefined;
  if (!r.job_endpoint) {
    server = await startJobServer({ jar: r.flink_job_server_jar, flinkMaster: r.flink_master });
  }
  const endpoint = r.job_endpoint ?? (server as JobServer).endpoint;
  return {
    run: (p) => runOnJobServer(p, { endpoint: endpoint, environmentType: env, sdkContainerImage: r.sdk_container_image,
      parallelism: r.parallelism, logTail: server ? () => server.logTail(30) : undefined, quiet: true }),
    close: async () => {
      if (server) await server.stop();
    },
  };
};

export { makeRunner, runnerDescription, ManagedRunner };
