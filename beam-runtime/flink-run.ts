// Runs a pipeline on a Beam job service (the Flink job server, the Dataflow job service) and waits for a terminal
// state, polling every 250 ms (the SDK's own waitUntilFinish backs off to 10 s between polls) with a deadline; a
// failure names its root cause from the job server's log (or the log's tail when none is found). Workers outside this process get their environment from
// beam-runtime/sdk-staging.ts (the SDK's own DOCKER staging is broken).
import * as beam from "apache-beam";
import { withQuietConsole } from "./quiet-console";
import * as jobApi from "apache-beam/proto/org/apache/beam/model/job_management/v1/beam_job_api";
import { StagedPortableRunner, WorkerEnvironment } from "./sdk-staging";
import { rootCauseFromLogFile } from "./job-failure";
import { failedJobCause } from "./flink-rest";
import { RunnerError } from "./runner-error";

interface JobRunOptions {
  endpoint: string;
  environmentType: "LOOPBACK" | "DOCKER" | "PROCESS";
  sdkContainerImage?: string;
  /** DOCKER/PROCESS workers: environment and staging (default for DOCKER: sdkContainerImage, staging image) */
  worker?: WorkerEnvironment;
  /** more pipeline options, e.g. project, region, tempLocation, jobName; they override the fields above */
  pipelineOptions?: Record<string, unknown>;
  /** engine parallelism; default 2 unless pipelineOptions are given (Dataflow has no such option) */
  parallelism?: number;
  timeoutMs?: number;
  logTail?: () => string;
  /** the job server's log: a failure is reported by its root cause (beam-runtime/job-failure.ts) and this path */
  logFile?: string;
  /** a Flink cluster's REST address (host:port): a failure's root cause is asked from its JobManager first */
  flinkMaster?: string;
  /** silence the SDK worker's per-bundle console chatter while the job runs */
  quiet?: boolean;
}

const TERMINAL: number[] = [
  jobApi.JobState_Enum.FAILED,
  jobApi.JobState_Enum.CANCELLED,
  jobApi.JobState_Enum.UPDATED,
  jobApi.JobState_Enum.DRAINED,
];

interface PollableResult {
  getState: () => Promise<{ state: number }>;
  cancel: () => Promise<void>;
}

const portableOptions = (o: JobRunOptions): { jobEndpoint: string; [k: string]: unknown } => {
  const options: { jobEndpoint: string; [k: string]: unknown } = { jobEndpoint: o.endpoint,
    environmentType: o.environmentType };
  if (o.parallelism !== undefined || !o.pipelineOptions) options.parallelism = o.parallelism ?? 2;
  if (o.sdkContainerImage) options.sdkContainerImage = o.sdkContainerImage;
  return { ...options, ...(o.pipelineOptions ?? {}) };
};

const workerOf = (o: JobRunOptions): WorkerEnvironment | undefined => {
  if (o.worker) return o.worker;
  if (o.environmentType === "DOCKER") return { type: "DOCKER", image: o.sdkContainerImage, staging: "image" };
  if (o.environmentType === "PROCESS") throw new Error("PROCESS workers need JobRunOptions.worker (the boot command)");
  return undefined;
};

const runOnJobServer = async (pipeline: (root: beam.Root) => void, o: JobRunOptions): Promise<void> => {
  const tail = (): string => (o.logTail ? `; job server log:\n${o.logTail()}` : "");
  // a few lines the user can act on; the whole log only when no exception could be found in it
  const submitted = Date.now() - 60000; // the JobManager's clock may lag ours a little
  const why = async (): Promise<string> => {
    const cause = (o.flinkMaster ? await failedJobCause(o.flinkMaster, submitted) : undefined) ??
      (o.logFile ? rootCauseFromLogFile(o.logFile) : undefined);
    return cause ? `; root cause: ${cause}${o.logFile ? `\n(job server log: ${o.logFile})` : ""}` : tail();
  };
  const body = async (): Promise<void> => {
    const runner = new StagedPortableRunner(portableOptions(o), workerOf(o));
    let result: PollableResult;
    try {
      result = (await runner.runAsync(pipeline)) as unknown as PollableResult;
    } catch (e) {
      // the job service's gRPC errors (prepare, stage, run) carry a status code and often no message: the cause is
      // in its log
      const err = e as Error & { code?: unknown };
      if (err.name !== "RpcError") throw e;
      const said = [err.code, err.message].filter((v) => v !== undefined && v !== "" && v !== "RpcError").join(": ");
      throw new RunnerError(`the job service at ${o.endpoint} refused the job${said ? ` (${said})` : ""}${await why()}`);
    }
    const timeout = o.timeoutMs ?? 24 * 3600 * 1000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const state = (await result.getState()).state;
      if (state === jobApi.JobState_Enum.DONE) return;
      if (TERMINAL.includes(state)) throw new RunnerError(`job ended in state ${jobApi.JobState_Enum[state]}${await why()}`);
      if (Date.now() > deadline) {
        await result.cancel().catch(() => undefined);
        throw new RunnerError(`job did not finish within ${timeout} ms${tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return o.quiet ? withQuietConsole(body) : body();
};

export { runOnJobServer, portableOptions, workerOf, JobRunOptions };
