// The same comparison on Beam's direct runner and on a real local Flink cluster (the Beam Flink job server, Flink
// 1.15 mini-cluster, LOOPBACK workers): same eigenvalues (relative difference <= 1e-9) and the same top samples.
// Everything that crosses a worker boundary goes through Flink's data plane here: byte coders, tiles, the
// eigenvector side input, the id-bucket and top-N groupings, the by_id join.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir, openDuckDb, queryRows, Connection } from "./io-helpers";
import { runQuiet, nothingPublished } from "./pipeline-fixtures";
import { synthesize } from "./data/synth";
import { defaultJobServerJar } from "../beam-runtime/flink-job-server";

const skip = process.env.SPEC_BEAM_SKIP_FLINK === "1";

describe("engine: direct runner vs Flink", function () {
  this.timeout(900000);
  let dir = "";
  let db: Connection;
  const runs: Record<string, { summary: Record<string, unknown>; out: string; seconds: number }> = {};

  before(async function () {
    if (skip) {
      this.skip();
      return;
    }
    if (!fs.existsSync(defaultJobServerJar())) {
      throw new Error(`Flink job server jar missing at ${defaultJobServerJar()}: run infra/flink/fetch-jobserver.sh ` +
        "(make test does), or set SPEC_BEAM_SKIP_FLINK=1");
    }
    dir = makeTempDir("engine");
    db = await openDuckDb();
    synthesize({ out: path.join(dir, "data"), n: 3000, dx: 24, dy: 32, clusters: 8, merges: 2, noise: 25, files: 4,
      seed: 3, format: "parquet", compression: "none", overwrite: true });
    for (const runner of ["direct", "flink"]) {
      const out = path.join(dir, `run-${runner}`);
      const t = Date.now();
      const r = await runQuiet({
        "x.path": path.join(dir, "data", "x"), "x.column": "embedding", "x.id_column": "id",
        "y.path": path.join(dir, "data", "y"), "y.column": "embedding", "y.id_column": "id",
        "metadata_columns": ["label"], "kernel.rff": 150, "modes": 4, "top": 30, "seed": 9,
        "compute.shard_rows": 400, "runner.type": runner, "runner.parallelism": 2, "out": out,
      });
      if (r.error) throw r.error;
      runs[runner] = { summary: r.result?.summary as Record<string, unknown>, out: out, seconds: (Date.now() - t) / 1000 };
    }
  });

  after(() => {
    if (dir) removeDir(dir);
  });

  it("gives the same eigenvalues on both runners (relative difference <= 1e-9)", () => {
    const a = runs.direct.summary.eigenvalues as { positive: number[]; negative: number[] };
    const b = runs.flink.summary.eigenvalues as { positive: number[]; negative: number[] };
    const all = (e: { positive: number[]; negative: number[] }) => e.positive.concat(e.negative);
    const va = all(a);
    const vb = all(b);
    assert.equal(va.length, 8);
    for (let i = 0; i < va.length; i++) {
      const rel = Math.abs(va[i] - vb[i]) / Math.abs(va[i]);
      assert.ok(rel <= 1e-9, `eigenvalue ${i}: direct ${va[i]} vs flink ${vb[i]} (rel ${rel})`);
    }
    assert.equal((runs.flink.summary.counters as { rows: number }).rows, 3000);
  });

  it("lists the same top samples per mode on both runners", async () => {
    const top = async (out: string) => queryRows(db, `SELECT mode, rank, id FROM ` +
      `read_parquet('${path.join(out, "top_samples.parquet")}') ORDER BY mode, rank`);
    const a = await top(runs.direct.out);
    const b = await top(runs.flink.out);
    assert.equal(a.length, 8 * 30);
    assert.deepEqual(b, a);
    const parts = fs.readdirSync(path.join(runs.flink.out, "scores"));
    assert.equal(parts.length, 8, "one score part per shard (4 files x 2 shards)");
    process.stderr.write(`      (wall time: direct ${runs.direct.seconds.toFixed(1)} s, flink ${runs.flink.seconds.toFixed(1)} s)\n`);
  });

  it("on Flink, bad input still names the file and row and publishes nothing", async () => {
    const bad = path.join(dir, "bad");
    fs.mkdirSync(bad);
    fs.copyFileSync(path.join(dir, "data", "x", "part-00000.parquet"), path.join(bad, "x.parquet"));
    await db.run(`COPY (SELECT CASE WHEN id = 's0012' THEN 's0011' ELSE id END AS id, embedding FROM ` +
      `read_parquet('${path.join(bad, "x.parquet")}')) TO '${path.join(bad, "y.parquet")}' (FORMAT parquet)`);
    const out = path.join(dir, "run-bad");
    const r = await runQuiet({ "x.path": path.join(bad, "x.parquet"), "x.column": "embedding", "x.id_column": "id",
      "y.path": path.join(bad, "y.parquet"), "y.column": "embedding", "y.id_column": "id", "kernel.rff": 20,
      "runner.type": "flink", "out": out });
    assert.ok(r.error, "should fail");
    assert.match(r.error.message, /y\.parquet.*global row 12.*'s0011'.*'s0012'.*not aligned/);
    assert.ok(nothingPublished(out));
  });
});
