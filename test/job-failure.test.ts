// A failed Flink job is reported by its innermost cause, unwrapped from the job server's nested stack traces.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rootCauseFromLog, rootCauseFromLogFile } from "../beam-runtime/job-failure";

// the shape of a job server log after a worker's bad-input error (class names as Flink and Beam log them)
const WORKER_MSG = "InputError: /data/y.parquet: pairing by_row: global row 12: y id 's11' != x id 's12'";
const failedJobLog = [
  "06:29:09.100 [flink-akka.actor.default-dispatcher-5] INFO org.apache.flink.runtime.jobmaster.JobMaster - job starting",
  "06:29:09.986 [MapPartition (1/2)#0] WARN org.apache.flink.runtime.taskmanager.Task - switched from RUNNING to FAILED",
  `java.util.concurrent.ExecutionException: java.lang.RuntimeException: Error received from SDK harness for instruction 3: ${WORKER_MSG}`,
  "\tat java.base/java.util.concurrent.CompletableFuture.reportGet(CompletableFuture.java:396)",
  "\tat org.apache.beam.runners.fnexecution.control.SdkHarnessClient.close(SdkHarnessClient.java:1)",
  `Caused by: java.lang.RuntimeException: Error received from SDK harness for instruction 3: ${WORKER_MSG}`,
  "\tat org.apache.beam.runners.fnexecution.control.FnApiControlClient.onNext(FnApiControlClient.java:1)",
  "06:29:10.200 [flink-akka.actor.default-dispatcher-9] ERROR org.apache.beam.runners.jobsubmission.JobInvocation - Error during job invocation",
  "org.apache.flink.runtime.client.JobExecutionException: Job execution failed.",
  "\tat org.apache.flink.runtime.jobmaster.JobResult.toJobExecutionResult(JobResult.java:144)",
  "Caused by: org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy",
  "\tat org.apache.flink.runtime.executiongraph.failover.flip1.ExecutionFailureHandler.handleFailure(X.java:1)",
  `Caused by: java.util.concurrent.ExecutionException: java.lang.RuntimeException: Error received from SDK harness for instruction 3: ${WORKER_MSG}`,
  "\tat java.base/java.util.concurrent.CompletableFuture.reportGet(CompletableFuture.java:396)",
  `Caused by: java.lang.RuntimeException: Error received from SDK harness for instruction 3: ${WORKER_MSG}`,
  "\tat org.apache.beam.runners.fnexecution.control.FnApiControlClient.onNext(FnApiControlClient.java:1)",
  "\t... 12 more",
  "06:29:10.300 [main] INFO org.apache.beam.runners.jobsubmission.JobInvocation - Job state FAILED",
].join("\n");

describe("beam-runtime/job-failure: the root cause of a failed job", () => {
  it("is the innermost cause of the last trace, without the Java and Beam wrappers", () => {
    assert.equal(rootCauseFromLog(failedJobLog), WORKER_MSG);
  });

  it("is a trace's own first line when it has no 'Caused by'", () => {
    const log = ["INFO starting", "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: " +
      "Could not acquire the minimum required resources.", "\tat org.apache.flink.X.y(X.java:1)"].join("\n");
    assert.equal(rootCauseFromLog(log),
      "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: Could not acquire the minimum required resources.");
  });

  it("is undefined for a log without exceptions, and long messages are cut", () => {
    assert.equal(rootCauseFromLog("INFO a\nWARN b\n"), undefined);
    const long = rootCauseFromLog(`Caused by: java.lang.IllegalStateException: ${"x".repeat(2000)}`) ?? "";
    assert.ok(long.length < 700 && long.endsWith("..."), String(long.length));
  });

  it("reads the end of a log file, and a missing file gives undefined", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spec-beam-jobfail-"));
    try {
      const f = path.join(dir, "jobserver.log");
      fs.writeFileSync(f, `${"INFO filler line\n".repeat(40000)}${failedJobLog}\n`);
      assert.equal(rootCauseFromLogFile(f), WORKER_MSG);
      assert.equal(rootCauseFromLogFile(path.join(dir, "absent.log")), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
