// Run by infra/docker/process-boot.sh beside each PROCESS worker on a Flink cluster: exits 0 once the cluster's REST
// API says the job the worker serves has ended, so that the worker can be stopped. Beam's Flink runner (2.49)
// releases a job's worker environment when the last task holding it closes, and a task cancelled while it was
// opening (a failover) never does: the surviving TaskManager kept the final attempt's worker running until the
// TaskManager stopped (docs/beam-sdk-findings.md, "Flink cluster"). The job is found by the job name and the
// Flink master in the worker's pipeline options (asked from the runner's provisioning service); spec-beam makes the
// name unique per run. Anything uncertain (no master, REST unreachable, the job not listed) keeps the worker: this
// only ever stops a worker whose job is positively over.
//
//   node dist/beam-runtime/flink-job-watch.js --id=<worker id> --provision_endpoint=<host:port> [...]
// exit 0: the job ended; 3: nothing to watch (not a Flink cluster job); runs until then.
import * as grpc from "@grpc/grpc-js";
const provisionApi = require("apache-beam/proto/org/apache/beam/model/fn_execution/v1/beam_provision_api.grpc-client");

const TERMINAL = new Set(["FINISHED", "FAILED", "CANCELED"]);
const POLL_MS = 5000;

interface StructValue { kind: { oneofKind: string; stringValue?: string } }
interface ProvisionInfo { pipelineOptions?: { fields: Record<string, StructValue> } }

const flag = (argv: string[], name: string): string | undefined =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const option = (info: ProvisionInfo, name: string): string | undefined => {
  const v = info.pipelineOptions?.fields[`beam:option:${name}:v1`];
  return v?.kind.oneofKind === "stringValue" ? v.kind.stringValue : undefined;
};

const provisionInfo = (endpoint: string, workerId: string): Promise<ProvisionInfo> =>
  new Promise((resolve, reject) => {
    const client = new provisionApi.ProvisionServiceClient(endpoint, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.add("worker_id", workerId);
    client.getProvisionInfo({}, md, { deadline: Date.now() + 30000 },
      (err: Error | null, res?: { info?: ProvisionInfo }) => {
        client.close();
        if (err) reject(err);
        else resolve(res?.info ?? {});
      });
  });

interface Overview { jobs: { name: string; state: string }[] }

/** "FINISHED" etc. once every listed job of that name has ended; undefined while one runs or nothing is known. */
const endedState = async (master: string, jobName: string): Promise<string | undefined> => {
  const base = /^https?:\/\//.test(master) ? master : `http://${master}`;
  try {
    const res = await fetch(`${base}/jobs/overview`, { signal: AbortSignal.timeout(10000) });
    if (!res.ok) return undefined;
    const ours = ((await res.json()) as Overview).jobs.filter((j) => j.name === jobName);
    if (ours.length === 0 || !ours.every((j) => TERMINAL.has(j.state))) return undefined;
    return ours.map((j) => j.state).join(",");
  } catch {
    return undefined;
  }
};

const main = async (argv: string[]): Promise<number> => {
  const id = flag(argv, "id");
  const endpoint = flag(argv, "provision_endpoint");
  if (!id || !endpoint) return 3;
  let info: ProvisionInfo | undefined;
  for (let attempt = 0; !info; attempt++) {
    try {
      info = await provisionInfo(endpoint, id);
    } catch (e) {
      if (attempt >= 5) {
        process.stderr.write(`flink-job-watch: no provisioning info from ${endpoint} (${(e as Error).message}); not watching\n`);
        return 3;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const master = option(info, "flink_master");
  const jobName = option(info, "job_name");
  if (!master || master === "[local]" || master === "[auto]" || !jobName) return 3;
  process.stderr.write(`flink-job-watch: worker ${id} serves job '${jobName}' on ${master}\n`);
  for (;;) {
    const state = await endedState(master, jobName);
    if (state) {
      process.stderr.write(`flink-job-watch: job '${jobName}' on ${master} is ${state}; stopping worker ${id}\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
};

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`flink-job-watch: ${(e as Error).message}\n`);
    process.exit(3);
  });
}

export { endedState, main as watchFlinkJob };
