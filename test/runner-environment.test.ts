// The default worker environment follows where the Flink master runs: LOOPBACK workers (in this process) for a
// master on this host, DOCKER for any other host; an explicit runner.environment_type always wins.
import assert from "node:assert/strict";
import * as os from "node:os";
import { environmentOf } from "../beam-runtime/runners";
import { hostOf, isLocalHost } from "../beam-runtime/local-host";
import { configSchema } from "../configs/schema";

const runner = (over: Record<string, unknown>) =>
  configSchema.parse({ x: { path: "x.parquet" }, out: "o", runner: { type: "flink", ...over } }).runner;

describe("beam-runtime: default worker environment", () => {
  it("parses host:port, [v6]:port and bare hosts", () => {
    assert.equal(hostOf("10.1.2.3:8081"), "10.1.2.3");
    assert.equal(hostOf("[::1]:8081"), "::1");
    assert.equal(hostOf("flink-jm"), "flink-jm");
    assert.equal(hostOf("[local]"), "[local]");
  });

  it("LOOPBACK for [local], loopback names and addresses, this host's name and interface addresses", () => {
    for (const m of ["[local]", "localhost:8081", "127.0.0.1:8081", "127.0.1.1:9", "[::1]:8081", `${os.hostname()}:8081`]) {
      assert.ok(isLocalHost(m), m);
      assert.equal(environmentOf(runner({ flink_master: m })), "LOOPBACK", m);
    }
    const iface = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === "IPv4");
    if (iface) assert.equal(environmentOf(runner({ flink_master: `${iface.address}:8081` })), "LOOPBACK");
  });

  it("DOCKER for other hosts and for dataflow; an explicit environment_type wins", () => {
    for (const m of ["flink-jobmanager.example:8081", "203.0.113.9:8081"]) {
      assert.ok(!isLocalHost(m), m);
      assert.equal(environmentOf(runner({ flink_master: m })), "DOCKER", m);
    }
    assert.equal(environmentOf(runner({ flink_master: "127.0.0.1:8081", environment_type: "PROCESS" })), "PROCESS");
    assert.equal(environmentOf(runner({ flink_master: "far.example:8081", environment_type: "LOOPBACK" })), "LOOPBACK");
    assert.equal(environmentOf({ ...runner({}), type: "dataflow" }), "DOCKER");
  });
});
