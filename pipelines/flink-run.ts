// Runs a pipeline on a Beam job server (Flink) and waits for a terminal state, polling every 250 ms (the SDK's own
// waitUntilFinish backs off to 10 s between polls) with a deadline; the job server's log tail joins any failure.
import * as beam from "apache-beam";
import { PortableRunner } from "apache-beam/runners/portable_runner/runner";
import { withQuietConsole } from "./quiet-console";
import * as jobApi from "apache-beam/proto/org/apache/beam/model/job_management/v1/beam_job_api";

interface JobRunOptions {
  endpoint: string;
  environmentType: "LOOPBACK" | "DOCKER";
  sdkContainerImage?: string;
  parallelism?: number;
  timeoutMs?: number;
  logTail?: () => string;
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

const runOnJobServer = async (pipeline: (root: beam.Root) => void, o: JobRunOptions): Promise<void> => {
  const tail = (): string => (o.logTail ? `; job server log:\n${o.logTail()}` : "");
  const body = async (): Promise<void> => {
    const options: { jobEndpoint: string; [k: string]: unknown } = { jobEndpoint: o.endpoint,
      environmentType: o.environmentType, parallelism: o.parallelism ?? 2 };
    if (o.sdkContainerImage) options.sdkContainerImage = o.sdkContainerImage;
    const runner = new PortableRunner(options);
    const result = (await runner.runAsync(pipeline)) as unknown as PollableResult;
    const timeout = o.timeoutMs ?? 24 * 3600 * 1000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const state = (await result.getState()).state;
      if (state === jobApi.JobState_Enum.DONE) return;
      if (TERMINAL.includes(state)) throw new Error(`job ended in state ${jobApi.JobState_Enum[state]}${tail()}`);
      if (Date.now() > deadline) {
        await result.cancel().catch(() => undefined);
        throw new Error(`job did not finish within ${timeout} ms${tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return o.quiet ? withQuietConsole(body) : body();
};

export { runOnJobServer, JobRunOptions };
