// beam-runtime/flink-job-watch.ts, the PROCESS workers' job watch: it reads the job's name and Flink master from
// the runner's provisioning service (a gRPC server speaking Beam's provisioning API here, answering as a
// TaskManager does) and exits 0 only once the master's REST API lists that job as ended. The REST side is a small
// HTTP server with Flink's /jobs/overview shape; test/flink-cluster.test.ts checks the same decision against a
// real JobManager.
import assert from "node:assert/strict";
import * as http from "node:http";
import * as path from "node:path";
import childProcess = require("child_process");
import * as grpc from "@grpc/grpc-js";
import { Struct } from "apache-beam/proto/google/protobuf/struct";
import { GetProvisionInfoResponse, ProvisionInfo } from "apache-beam/proto/org/apache/beam/model/fn_execution/v1/beam_provision_api";

const WATCH = path.resolve(__dirname, "..", "beam-runtime", "flink-job-watch.js");
const provisionServer = require("apache-beam/proto/org/apache/beam/model/fn_execution/v1/beam_provision_api.grpc-server");

describe("the PROCESS workers' Flink job watch", function () {
  this.timeout(60000);
  let grpcServer: grpc.Server;
  let provision = "";
  let rest: http.Server;
  let master = "";
  let jobs: { name: string; state: string }[] = [];
  let options: Record<string, unknown> = {};
  const askedBy: string[] = [];

  before(async () => {
    grpcServer = new grpc.Server();
    grpcServer.addService(provisionServer.provisionServiceDefinition, {
      getProvisionInfo: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        askedBy.push(String(call.metadata.get("worker_id")[0]));
        cb(null, GetProvisionInfoResponse.create({
          info: ProvisionInfo.create({ pipelineOptions: Struct.fromJson(options as never) }) }));
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    provision = `127.0.0.1:${port}`;
    rest = http.createServer((req, res) => {
      if (req.url !== "/jobs/overview") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jobs: jobs }));
    });
    await new Promise<void>((resolve) => rest.listen(0, "127.0.0.1", resolve));
    master = `127.0.0.1:${(rest.address() as { port: number }).port}`;
  });

  after(() => {
    grpcServer?.forceShutdown();
    rest?.close();
  });

  const watch = (id: string): { done: Promise<{ code: number | null; stderr: string }>; child: childProcess.ChildProcess } => {
    const child = childProcess.spawn(process.execPath, [WATCH, `--id=${id}`, `--provision_endpoint=${provision}`,
      "--logging_endpoint=unused"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    return { child: child, done: new Promise((resolve) => child.on("exit", (code) => resolve({ code: code, stderr: stderr }))) };
  };

  const exitedWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it("keeps the worker while its job runs, and exits 0 once the job has ended", async () => {
    options = { "beam:option:flink_master:v1": master, "beam:option:job_name:v1": "spec-beam run [h-1-a]" };
    jobs = [{ name: "spec-beam run [h-1-a]", state: "RUNNING" }, { name: "spec-beam run [h-2-b]", state: "FINISHED" }];
    const w = watch("7-1");
    assert.equal(await exitedWithin(w.done, 7000), false, "running: the watch keeps waiting");
    assert.ok(askedBy.includes("7-1"), "asked provisioning as its worker");
    jobs[0].state = "FINISHED";
    const r = await w.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /job 'spec-beam run \[h-1-a\]' .* is FINISHED; stopping worker 7-1/);
  });

  it("does not stop anything when the job is not listed or the REST API is unreachable", async () => {
    options = { "beam:option:flink_master:v1": master, "beam:option:job_name:v1": "not listed" };
    jobs = [{ name: "someone else's", state: "FAILED" }];
    const w = watch("8-1");
    assert.equal(await exitedWithin(w.done, 7000), false);
    w.child.kill();
    options = { "beam:option:flink_master:v1": "127.0.0.1:1", "beam:option:job_name:v1": "x" };
    const u = watch("8-2");
    assert.equal(await exitedWithin(u.done, 7000), false);
    u.child.kill();
  });

  it("has nothing to watch for a mini-cluster or a job without a name (exit 3)", async () => {
    options = { "beam:option:flink_master:v1": "[local]", "beam:option:job_name:v1": "x" };
    assert.equal((await watch("9-1").done).code, 3);
    options = { "beam:option:flink_master:v1": master };
    assert.equal((await watch("9-2").done).code, 3);
  });
});
