// What a Flink cluster says about itself through its REST API (the JobManager's port, 8081 by default): checked
// before a job is submitted, because a job that asks for more slots than the cluster has is shown RUNNING for the
// whole slot-request timeout with nothing printed, and asked after a failure, because the JobManager keeps the
// job's root exception.
import { RunnerError } from "./runner-error";
import { rootCauseFromLog } from "./job-failure";

interface FlinkOverview {
  taskmanagers: number;
  "slots-total": number;
  "slots-available": number;
  "jobs-running": number;
  "flink-version": string;
}

interface FlinkJob {
  jid: string;
  name: string;
  state: string;
  "start-time": number;
}

const REST_TIMEOUT_MS = 5000;

const getJson = async <T>(master: string, route: string): Promise<T> => {
  const url = `http://${master}${route}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(REST_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new RunnerError(`Flink REST API ${url} did not answer (${cause}): is the JobManager running at ${master}?`);
  }
  if (!res.ok) throw new RunnerError(`Flink REST API ${url} answered HTTP ${res.status}`);
  return (await res.json()) as T;
};

const flinkOverview = (master: string): Promise<FlinkOverview> => getJson<FlinkOverview>(master, "/overview");

/**
 * Refuses a job the cluster cannot run now: more parallelism than slots in total (it never could) or than free
 * slots (it would wait for the slot-request timeout and fail). Returns the overview for the progress line.
 */
const checkSlots = async (master: string, parallelism: number): Promise<FlinkOverview> => {
  const o = await flinkOverview(master);
  const total = o["slots-total"];
  const free = o["slots-available"];
  if (parallelism > total) {
    throw new RunnerError(`the Flink cluster at ${master} has ${total} task slot(s) on ${o.taskmanagers} TaskManager(s); ` +
      `parallelism ${parallelism} needs ${parallelism}: lower --parallelism or add TaskManagers/slots`);
  }
  if (parallelism > free) {
    throw new RunnerError(`the Flink cluster at ${master} has ${free} of ${total} task slot(s) free ` +
      `(${o["jobs-running"]} job(s) running); parallelism ${parallelism} needs ${parallelism}: wait, lower ` +
      "--parallelism or add TaskManagers");
  }
  return o;
};

/** The root exception of the newest failed job started at or after `since` (ms), unwrapped; undefined if none. */
const failedJobCause = async (master: string, since: number): Promise<string | undefined> => {
  try {
    const jobs = (await getJson<{ jobs: FlinkJob[] }>(master, "/jobs/overview")).jobs
      .filter((j) => j.state === "FAILED" && j["start-time"] >= since)
      .sort((a, b) => b["start-time"] - a["start-time"]);
    if (jobs.length === 0) return undefined;
    const ex = await getJson<{ "root-exception"?: string }>(master, `/jobs/${jobs[0].jid}/exceptions`);
    return ex["root-exception"] ? rootCauseFromLog(ex["root-exception"]) : undefined;
  } catch {
    return undefined;
  }
};

export { flinkOverview, checkSlots, failedJobCause, FlinkOverview };
