// Before submitting, the driver asks the Flink JobManager's REST API for free slots; after a failure, for the
// job's root exception. A small HTTP server answers in Flink's JSON shapes (Flink 1.15 REST API).
import assert from "node:assert/strict";
import * as http from "node:http";
import { checkSlots, failedJobCause } from "../beam-runtime/flink-rest";

interface FakeJm {
  master: string;
  close: () => Promise<void>;
}

const fakeJobManager = async (routes: Record<string, unknown>): Promise<FakeJm> => {
  const server = http.createServer((req, res) => {
    const body = routes[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { errors: ["Not found"] }));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  return { master: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
};

const overview = (total: number, free: number) =>
  ({ "taskmanagers": 2, "slots-total": total, "slots-available": free, "jobs-running": free < total ? 1 : 0,
    "flink-version": "1.15.0" });

describe("beam-runtime/flink-rest: asking the JobManager", () => {
  it("accepts a parallelism the free slots cover", async () => {
    const jm = await fakeJobManager({ "/overview": overview(4, 4) });
    try {
      assert.equal((await checkSlots(jm.master, 4))["slots-total"], 4);
    } finally {
      await jm.close();
    }
  });

  it("refuses more parallelism than slots in total, or than free slots, saying which", async () => {
    const jm = await fakeJobManager({ "/overview": overview(4, 1) });
    try {
      await assert.rejects(checkSlots(jm.master, 6), (e: Error) =>
        e.name === "RunnerError" && /has 4 task slot\(s\) on 2 TaskManager\(s\); parallelism 6 needs 6/.test(e.message));
      await assert.rejects(checkSlots(jm.master, 2), (e: Error) =>
        e.name === "RunnerError" && /has 1 of 4 task slot\(s\) free \(1 job\(s\) running\)/.test(e.message));
    } finally {
      await jm.close();
    }
  });

  it("names an unreachable JobManager", async () => {
    const jm = await fakeJobManager({});
    const master = jm.master;
    await jm.close();
    await assert.rejects(checkSlots(master, 1), (e: Error) =>
      e.name === "RunnerError" && e.message.includes(`is the JobManager running at ${master}?`));
  });

  it("reads the newest failed job's root exception, unwrapped", async () => {
    const now = Date.now();
    const jm = await fakeJobManager({
      "/jobs/overview": { jobs: [
        { "jid": "old", "name": "a", "state": "FAILED", "start-time": now - 3600e3 },
        { "jid": "new", "name": "b", "state": "FAILED", "start-time": now },
        { "jid": "ok", "name": "c", "state": "FINISHED", "start-time": now + 1 },
      ] },
      "/jobs/new/exceptions": { "root-exception": "org.apache.flink.runtime.JobException: Recovery is suppressed\n" +
        "\tat org.apache.flink.X.y(X.java:1)\nCaused by: java.lang.RuntimeException: Error received from SDK harness " +
        "for instruction 7: InputError: x.parquet: row 3: NaN\n\tat org.apache.beam.Z.z(Z.java:1)" },
    });
    try {
      assert.equal(await failedJobCause(jm.master, now - 1000), "InputError: x.parquet: row 3: NaN");
      assert.equal(await failedJobCause(jm.master, now + 10), undefined, "no failed job since then");
    } finally {
      await jm.close();
    }
  });
});
