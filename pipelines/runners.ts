// Runner selection. direct: Beam's in-process runner (nothing to start). flink: a Beam Flink job server (started
// here unless runner.job_endpoint names a running one) executing the job with LOOPBACK workers in this process
// ([local] master) or DOCKER workers (remote cluster). dataflow: see infra/dataflow.
import { directRunner } from "apache-beam/runners/direct_runner";
import type { Runner } from "apache-beam/runners/runner";
import type { SpecConfig } from "../configs/schema";

interface ManagedRunner {
  runner: Runner;
  close: () => Promise<void>;
}

const runnerDescription = (cfg: SpecConfig): string => {
  const r = cfg.runner;
  if (r.type === "direct") return "direct (in-process)";
  if (r.type === "flink") return `flink (master ${r.flink_master}${r.job_endpoint ? `, job server ${r.job_endpoint}` : ""})`;
  return `dataflow (project ${r.project ?? "?"}, region ${r.region ?? "?"})`;
};

const makeRunner = async (cfg: SpecConfig): Promise<ManagedRunner> => {
  if (cfg.runner.type === "direct") return { runner: directRunner(), close: async () => undefined };
  throw new Error(`runner ${cfg.runner.type} is not available yet in this build`);
};

export { makeRunner, runnerDescription, ManagedRunner };
