// Runs the probe pipeline (test/fixtures/flink-probe.ts) on a real local Flink: the Beam Flink job server JVM with
// an in-process Flink mini cluster, executing the TypeScript DoFns in LOOPBACK workers of this process.
// Needs the job server from infra/flink/fetch-jobserver.sh; without it these tests FAIL, unless
// SPEC_BEAM_SKIP_FLINK=1 is set.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startJobServer } from "../beam-runtime/flink-job-server";
import type { JobServer } from "../beam-runtime/flink-job-server";
import { probePipeline, tileValue, sideValue, keyOf } from "./fixtures/flink-probe";
import { runOnJobServer } from "../beam-runtime/flink-run";
import type { ProbeParams } from "./fixtures/flink-probe";
import { applyWorkerPatches, workerPatchesApplied } from "../beam-runtime/worker-patches";

const SKIP_FLINK = process.env.SPEC_BEAM_SKIP_FLINK === "1";
const MIB = 1024 * 1024;

const expectedSum = (p: ProbeParams, key: string): Float64Array => {
  const out = new Float64Array(p.tileFloats);
  for (let s = 0; s < p.shards; s++) {
    if (keyOf(s, p.keys) !== key) continue;
    for (let i = 0; i < p.tileFloats; i++) out[i] += tileValue(s, i);
  }
  return out;
};

const readFloat64 = (file: string): Float64Array => {
  const buf = fs.readFileSync(file);
  return new Float64Array(new Uint8Array(buf).buffer);
};

// Checks every file the pipeline wrote against sums computed here, independently of Beam.
const checkOutputs = (p: ProbeParams): void => {
  const keys: string[] = [];
  for (let k = 0; k < p.keys; k++) keys.push("k" + k);
  for (const key of keys) {
    const want = expectedSum(p, key);
    const got = readFloat64(path.join(p.outDir, `sum-${key}.f64`));
    assert.equal(got.length, want.length, `sum-${key}.f64 length`);
    const bad = got.findIndex((v, i) => v !== want[i]);
    assert.equal(bad, -1, `sum-${key}.f64 differs at ${bad}: got ${got[bad]}, want ${want[bad]}`);
    let dot = 0;
    for (let i = 0; i < want.length; i++) dot += want[i] * sideValue(i % p.sideFloats);
    const info = JSON.parse(fs.readFileSync(path.join(p.outDir, `sum-${key}.json`), "utf8"));
    assert.deepEqual(info, { key: key, floats: p.tileFloats, sideFloats: p.sideFloats, dot: dot });
  }
  // finishBundle wrote one file per bundle; together they must name each key exactly once.
  const seen: string[] = [];
  for (const f of fs.readdirSync(p.outDir)) {
    if (f.startsWith("bundle-")) seen.push(...JSON.parse(fs.readFileSync(path.join(p.outDir, f), "utf8")).keys);
  }
  assert.deepEqual(seen.sort(), keys);
};

describe("Flink job server with LOOPBACK workers (infra/flink)", function () {
  this.timeout(300000);
  let server: JobServer | undefined;
  let tmp = "";

  before("start the Flink job server", async function () {
    if (SKIP_FLINK) this.skip();
    // Without these the SDK worker drops bundles' elements at random and caps messages at 4 MiB (worker-patches.ts).
    applyWorkerPatches();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "flink-probe-"));
    const t0 = Date.now();
    server = await startJobServer({ log: path.join(tmp, "jobserver.log") });
    console.log(`      job server ready at ${server.endpoint} in ${Date.now() - t0} ms (log ${server.logFile})`);
  });

  after("stop the Flink job server", async function () {
    if (server) await server.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = async (p: ProbeParams): Promise<void> => {
    const live = server as JobServer;
    const t0 = Date.now();
    await runOnJobServer(probePipeline(p), {
      endpoint: live.endpoint,
      environmentType: "LOOPBACK",
      parallelism: 2,
      timeoutMs: 240000,
      logTail: () => live.logTail(60),
      quiet: true,
    });
    console.log(`      job finished in ${Date.now() - t0} ms`);
  };

  it("sums KV<string, bytes> tiles with combinePerKey, reads a bytes side input, writes files", async function () {
    const p: ProbeParams = {
      outDir: path.join(tmp, "small"),
      shards: 6,
      keys: 3,
      tileFloats: MIB / 8, // 1 MiB tiles: with 2 bundles a key's grouped values stay under 4 MiB
      sideFloats: 300001, // 2.4 MB side input
    };
    await run(p);
    checkOutputs(p);
  });

  it("carries grouped values and side inputs above gRPC's 4 MiB default", async function () {
    const p: ProbeParams = {
      outDir: path.join(tmp, "large"),
      shards: 4,
      keys: 1,
      tileFloats: (5 * MIB) / 8, // every grouped element is >= 5 MiB
      sideFloats: (5 * MIB) / 8 + 3,
    };
    await run(p);
    checkOutputs(p);
  });
});

describe("worker patches", function () {
  it("are installed by applyWorkerPatches() and can be applied twice", function () {
    applyWorkerPatches();
    applyWorkerPatches();
    assert.equal(workerPatchesApplied(), true);
  });
});

describe("startJobServer", function () {
  it("names the jar and the fetch script when the jar is missing", async function () {
    const jar = path.join(os.tmpdir(), "no-such-dir", "missing-job-server.jar");
    await assert.rejects(startJobServer({ jar: jar }), (err: Error) => {
      assert.match(err.message, /missing-job-server\.jar/);
      assert.match(err.message, /fetch-jobserver\.sh/);
      return true;
    });
  });
});
