// The compare pipeline on Beam's direct runner, end to end: planted clusters, equality with the in-memory method/
// computation, and the output contract (files, columns, DuckDB-readable).
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir, openDuckDb, queryRows, Connection } from "./io-helpers";
import { plantedTable, writeTableParquet, runQuiet, Table } from "./pipeline-fixtures";
import { getBackend } from "../linalg/index";
import { featurePair, phiBlock, SpecModel } from "../method/model";
import { GramAccumulator, covariance } from "../method/gram";
import { solveSpec } from "../method/solver";
import { inspectSource, readRows } from "../io/source";
import { writeNpy } from "../io/npy-write";

const PER = 200;
const D = 4;
const RFF = 120;
const SIGMA = 1;

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("compare pipeline (direct runner)", function () {
  this.timeout(300000);
  let dir = "";
  let db: Connection;
  let table: Table;
  let input = "";
  let out = "";
  let summary: Record<string, unknown> = {};

  before(async () => {
    dir = makeTempDir("pipeline");
    db = await openDuckDb();
    table = plantedTable(PER, D);
    input = path.join(dir, "planted.parquet");
    await writeTableParquet(input, table, { db: db });
    out = path.join(dir, "run");
    const r = await runQuiet({ "x.path": input, "x.column": "x", "x.id_column": "id", "y.column": "y",
      "metadata_columns": ["label"], "kernel.sigma_x": SIGMA, "kernel.sigma_y": SIGMA, "kernel.rff": RFF,
      "modes": 3, "top": 100, "seed": 11, "out": out, "compute.block_rows": 64, "compute.shard_rows": 130 });
    if (r.error) throw r.error;
    summary = r.result?.summary as Record<string, unknown>;
  });

  after(() => removeDir(dir));

  it("publishes the output contract: summary.json, eigenvalues.parquet, scores parts, top_samples.parquet, map.parquet, report.html", () => {
    for (const f of ["summary.json", "eigenvalues.parquet", "top_samples.parquet", "map.parquet", "report.html"]) {
      assert.ok(fs.existsSync(path.join(out, f)), `${f} missing`);
    }
    const parts = fs.readdirSync(path.join(out, "scores")).sort();
    // 600 rows cut into shards of at most 130 rows -> 5 shards
    assert.deepEqual(parts, [0, 1, 2, 3, 4].map((i) => `part-0000${i}-of-00005.parquet`));
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes(".tmp-")).length, 0);
  });

  it("O8 planted clusters: eigenvalues ~ +1/3 and -1/3 (|A|/n), the rest near 0", () => {
    const ev = summary.eigenvalues as { positive: number[]; negative: number[] };
    // RFF error ~ 1/sqrt(m) = 0.09 in Frobenius norm; the extreme eigenvalues are much closer.
    assert.ok(Math.abs(ev.positive[0] - 1 / 3) < 0.04, `lambda+1 = ${ev.positive[0]}`);
    assert.ok(Math.abs(ev.negative[0] + 1 / 3) < 0.04, `lambda-1 = ${ev.negative[0]}`);
    assert.ok(Math.abs(ev.positive[1]) < 0.08 && Math.abs(ev.negative[1]) < 0.08, JSON.stringify(ev));
  });

  it("O8 planted clusters: mode +1 separates A from B, mode -1 is A u B (purity of the top samples)", async () => {
    const top = await queryRows(db, `SELECT mode, label, count(*) FROM read_parquet('${path.join(out, "top_samples.parquet")}') ` +
      `WHERE rank <= ${PER / 2} GROUP BY mode, label ORDER BY mode, label`);
    const counts = new Map(top.map((r) => [`${r[0]}:${r[1]}`, Number(r[2])]));
    const plusA = counts.get("+1:A") ?? 0;
    const plusB = counts.get("+1:B") ?? 0;
    assert.equal(plusA + plusB, PER / 2, `+1 top samples: ${JSON.stringify([...counts])}`);
    assert.ok(plusA === PER / 2 || plusB === PER / 2, "the +1 top half should come from ONE of A and B");
    assert.equal((counts.get("-1:A") ?? 0) + (counts.get("-1:B") ?? 0), PER / 2, "-1 top samples are from A u B");
    // scores of +1 have opposite signs on A and B
    const signs = await queryRows(db, `SELECT label, avg(score_p1) FROM read_parquet('${path.join(out, "scores", "*.parquet")}') GROUP BY label ORDER BY label`);
    const a = Number(signs[0][1]);
    const b = Number(signs[1][1]);
    assert.ok(a * b < 0, `mean +1 scores of A and B should have opposite signs: ${a}, ${b}`);
  });

  it("equals the in-memory method/ computation on the same rows (eigenvalues rel 1e-9, scores 1e-9)", async () => {
    const backend = getBackend("auto");
    // the default float32 projection, centred on the points the run recorded
    const k = summary.kernel as { projection: string; projection_center_x: number[]; projection_center_y: number[] };
    assert.equal(k.projection, "float32");
    assert.equal(k.projection_center_x.length, D);
    // and the default float32 SYRK inputs: the same blocks rounded to float32 give the pipeline's C to rounding
    const model: SpecModel = { seed: 11, eta: 1, precision: "float32", projection: "float32",
      x: { kernel: "gaussian", d: D, m: RFF, sigma: SIGMA, stream: "x", center: k.projection_center_x },
      y: { kernel: "gaussian", d: D, m: RFF, sigma: SIGMA, stream: "y", center: k.projection_center_y } };
    const pair = featurePair(model);
    const n = table.ids.length;
    // the same blocks as the pipeline (shards of <= 130 rows, blocks of <= 64 rows within a shard), in row order:
    // features and SYRK per block, so the in-memory numbers are the pipeline's to rounding
    // the vectors as stored in the Parquet file (DuckDB rounded the decimals to float32 itself)
    const X = readRows(inspectSource(input, { column: "x" }), 0, 3 * PER).vectors;
    const Y = readRows(inspectSource(input, { column: "y" }), 0, 3 * PER).vectors;
    const phi = new Float64Array(n * pair.M);
    const acc = new GramAccumulator(pair.M);
    const block32 = new Float32Array(64 * pair.M);
    for (let s0 = 0; s0 < n; s0 += 130) {
      const shardEnd = Math.min(n, s0 + 130);
      for (let b0 = s0; b0 < shardEnd; b0 += 64) {
        const rows = Math.min(64, shardEnd - b0);
        const block = phi.subarray(b0 * pair.M, (b0 + rows) * pair.M);
        phiBlock(backend, pair, X.subarray(b0 * D, (b0 + rows) * D), Y.subarray(b0 * D, (b0 + rows) * D), rows, block);
        block32.set(block);
        acc.addBlock(backend, block32.subarray(0, rows * pair.M), rows);
      }
    }
    const sol = solveSpec(backend, { C: covariance(acc), n: n, colSum: acc.colSum, DX: pair.DX, DY: pair.DY, eta: 1,
      method: "cholesky", k: 3, inputPrecision: "float32" });
    const ev = summary.eigenvalues as { positive: number[]; negative: number[] };
    for (let j = 0; j < 3; j++) {
      assert.ok(relDiff(ev.positive[j], sol.positive.values[j]) < 1e-9, `+${j + 1}: ${ev.positive[j]} vs ${sol.positive.values[j]}`);
      assert.ok(relDiff(ev.negative[j], sol.negative.values[j]) < 1e-9, `-${j + 1}: ${ev.negative[j]} vs ${sol.negative.values[j]}`);
    }
    const rows = await queryRows(db, `SELECT row, id, score_p1, score_n1 FROM read_parquet('${path.join(out, "scores", "*.parquet")}') ORDER BY row`);
    assert.equal(rows.length, n);
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      assert.equal(rows[i][1], table.ids[i]);
      let up = 0;
      let un = 0;
      for (let c = 0; c < pair.M; c++) {
        up += phi[i * pair.M + c] * sol.positive.vectors[c * 3];
        un += phi[i * pair.M + c] * sol.negative.vectors[c * 3];
      }
      maxErr = Math.max(maxErr, Math.abs(Number(rows[i][2]) - up), Math.abs(Number(rows[i][3]) - un));
    }
    // scores are entries of a unit vector (~1/sqrt(n) = 0.06): 1e-9 absolute is ~1e-8 relative
    assert.ok(maxErr < 1e-9, `max score difference ${maxErr}`);
  });

  it("summary.json records config hash, seed, PRNG, backend, dims, sigmas, SPEC-diff, diagnostics, counters", () => {
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.match(s.config_hash, /^[0-9a-f]{16}$/);
    assert.equal(s.seed, 11);
    assert.match(s.prng, /xoshiro128\*\*/);
    assert.ok(["native", "portable"].includes(s.backend.name));
    assert.deepEqual(s.dims, { x: D, y: D });
    assert.deepEqual(s.features, { DX: 2 * RFF, DY: 2 * RFF, M: 4 * RFF });
    assert.equal(s.kernel.sigma_x, SIGMA);
    assert.equal(s.n, 3 * PER);
    assert.equal(s.counters.rows, 3 * PER);
    assert.equal(s.counters.score_parts, 5);
    assert.ok(Math.abs(s.spec_diff.two_sided - Math.max(s.eigenvalues.positive[0], -s.eigenvalues.negative[0])) < 1e-15);
    assert.deepEqual(s.precision, { syrk_inputs: "float32", accumulation: "float64", eigensolver: "float64",
      projection: "float32" });
    // RFF features have ||phi|| = 1 exactly, so trace(Gamma) = 1 - eta = 0 to rounding (float32 inputs: ~1e-8)
    assert.ok(Math.abs(s.diagnostics.trace_gamma) < 1e-6, `trace ${s.diagnostics.trace_gamma}`);
    assert.ok(s.timings.pipeline_seconds > 0);
  });

  it("every row's map coordinates: centred kernel-PCA coordinates (mean 0, variance = the axis' eigenvalue); map.parquet", async () => {
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    const scores = `read_parquet('${path.join(out, "scores", "*.parquet")}')`;
    const stats = await queryRows(db, `SELECT avg(map_x1), var_pop(map_x1), avg(map_x2), var_pop(map_x2), ` +
      `avg(map_y1), var_pop(map_y1), avg(map_y2), var_pop(map_y2), count(*) FROM ${scores}`);
    const want = [s.map_axes.x_variance[0], s.map_axes.x_variance[1], s.map_axes.y_variance[0], s.map_axes.y_variance[1]];
    assert.equal(Number(stats[0][8]), 3 * PER);
    for (let j = 0; j < 4; j++) {
      const mean = Number(stats[0][2 * j]);
      const v = Number(stats[0][2 * j + 1]);
      assert.ok(Math.abs(mean) < 1e-6 * Math.sqrt(want[j]), `axis ${j}: mean ${mean}`);
      assert.ok(Math.abs(v - want[j]) < 1e-6 * want[j], `axis ${j}: variance ${v} vs ${want[j]}`);
    }
    // fewer rows than the sample size: map.parquet holds every row, with the scores parts' coordinates
    const joined = await queryRows(db, `SELECT count(*), max(abs(m.x_pc1 - p.map_x1) + abs(m.y_pc2 - p.map_y2)), ` +
      `count(m.mode) FROM read_parquet('${path.join(out, "map.parquet")}') m JOIN ${scores} p USING (id)`);
    assert.equal(Number(joined[0][0]), 3 * PER);
    assert.equal(Number(joined[0][1]), 0);
    assert.ok(Number(joined[0][2]) > 0, "no row has a strongest mode");
    assert.deepEqual(s.outputs.map_columns, ["map_x1", "map_x2", "map_y1", "map_y2"]);
  });

  it("eigenvalues.parquet and top_samples.parquet have flat, typed columns readable by DuckDB", async () => {
    const ev = await queryRows(db, `SELECT mode, side, rank, eigenvalue FROM read_parquet('${path.join(out, "eigenvalues.parquet")}')`);
    assert.deepEqual(ev.map((r) => r[0]), ["+1", "+2", "+3", "-1", "-2", "-3"]);
    const types = await queryRows(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path.join(out, "top_samples.parquet")}'))`);
    assert.deepEqual(types.map((r) => `${r[0]}:${r[1]}`), ["mode:VARCHAR", "rank:INTEGER", "id:VARCHAR", "row:BIGINT",
      "score:DOUBLE", "label:VARCHAR"]);
    const n = await queryRows(db, `SELECT count(*) FROM read_parquet('${path.join(out, "top_samples.parquet")}')`);
    assert.equal(Number(n[0][0]), 6 * 100);
  });
});

describe("compare pipeline, pairing by_id (a join)", function () {
  this.timeout(300000);
  let dir = "";
  let db: Connection;

  before(async () => {
    dir = makeTempDir("by-id");
    db = await openDuckDb();
  });
  after(() => removeDir(dir));

  const flags = (extra: Record<string, unknown>) => ({ "x.column": "x", "x.id_column": "id",
    "metadata_columns": ["label"], "kernel.sigma_x": SIGMA, "kernel.sigma_y": SIGMA, "kernel.rff": RFF, "modes": 3,
    "top": 20, "seed": 5, "compute.shard_rows": 130,
    // float64 SYRK inputs: the join reorders the rows, and float32 block sums in another order differ by ~1e-8
    "compute.precision": "float64", ...extra });

  it("joins Y rows stored in another order and gives the by_row result on the aligned data", async () => {
    const t = plantedTable(PER, D, 3);
    const aligned = path.join(dir, "aligned.parquet");
    await writeTableParquet(aligned, t, { db: db });
    // Y alone, rows reversed: the same samples in another order
    const yFile = path.join(dir, "y-reversed.parquet");
    await db.run(`COPY (SELECT id, y FROM read_parquet('${aligned}') ORDER BY id DESC) TO '${yFile}' (FORMAT parquet)`);
    const byRow = await runQuiet(flags({ "x.path": aligned, "y.column": "y", "out": path.join(dir, "by-row") }));
    if (byRow.error) throw byRow.error;
    const byId = await runQuiet(flags({ "x.path": aligned, "y.path": yFile, "y.column": "y", "y.id_column": "id",
      "pairing": "by_id", "out": path.join(dir, "by-id") }));
    if (byId.error) throw byId.error;
    const a = byRow.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
    const b = byId.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
    const radius = Math.max(a.positive[0], -a.negative[0]);
    for (let j = 0; j < 3; j++) {
      assert.ok(Math.abs(a.positive[j] - b.positive[j]) < 1e-9 * radius, `+${j + 1}: ${a.positive[j]} vs ${b.positive[j]}`);
      assert.ok(Math.abs(a.negative[j] - b.negative[j]) < 1e-9 * radius, `-${j + 1}: ${a.negative[j]} vs ${b.negative[j]}`);
    }
    const diff = await queryRows(db, `SELECT max(abs(r.score_p1 - i.score_p1)), count(*) FROM ` +
      `read_parquet('${path.join(dir, "by-row", "scores", "*.parquet")}') r JOIN ` +
      `read_parquet('${path.join(dir, "by-id", "scores", "*.parquet")}') i USING (id)`);
    assert.equal(Number(diff[0][1]), 3 * PER);
    assert.ok(Number(diff[0][0]) < 1e-7, `max score difference ${diff[0][0]}`);
    const parts = fs.readdirSync(path.join(dir, "by-id", "scores"));
    assert.ok(parts.length >= 1 && parts.every((f) => /^part-\d{5}-of-\d{5}\.parquet$/.test(f)), parts.join(","));
  });

  it("an id of X missing from Y stops the run naming the id, and publishes nothing", async () => {
    const t = plantedTable(20, D, 4);
    const xFile = path.join(dir, "x-miss.parquet");
    await writeTableParquet(xFile, t, { db: db });
    const yFile = path.join(dir, "y-miss.parquet");
    await db.run(`COPY (SELECT CASE WHEN id = '${t.ids[7]}' THEN 'stranger' ELSE id END AS id, y FROM read_parquet('${xFile}')) ` +
      `TO '${yFile}' (FORMAT parquet)`);
    const out = path.join(dir, "out-miss");
    const r = await runQuiet(flags({ "x.path": xFile, "y.path": yFile, "y.column": "y", "y.id_column": "id",
      "pairing": "by_id", "out": out }));
    assert.ok(r.error, "should fail");
    assert.match(r.error.message, new RegExp(`'(${t.ids[7]}|stranger)'.*has no match`));
    assert.ok(!fs.existsSync(out));
  });
});

describe("compare, method exact (the n x n oracle on the driver)", function () {
  this.timeout(300000);
  let dir = "";
  before(() => {
    dir = makeTempDir("exact");
  });
  after(() => removeDir(dir));

  it("O8 with exact kernels: eigenvalues +-|A|/n to 1e-2, agreeing with the RFF pipeline within the RFF error", async () => {
    const db = await openDuckDb();
    const t = plantedTable(60, D, 21);
    const input = path.join(dir, "planted.parquet");
    await writeTableParquet(input, t, { db: db });
    const common = { "x.path": input, "x.column": "x", "x.id_column": "id", "y.column": "y", "metadata_columns": ["label"],
      "kernel.sigma_x": SIGMA, "kernel.sigma_y": SIGMA, "modes": 2, "top": 30, "seed": 2 };
    const ex = await runQuiet({ ...common, "method": "exact", "out": path.join(dir, "exact") });
    if (ex.error) throw ex.error;
    const rf = await runQuiet({ ...common, "kernel.rff": 500, "out": path.join(dir, "rff") });
    if (rf.error) throw rf.error;
    const e = ex.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
    const r = rf.result?.summary.eigenvalues as { positive: number[]; negative: number[] };
    // noise 0.15 on a 4-unit separation with sigma 1: within-group kernel values ~0.98, so |A|/n minus ~1%
    assert.ok(Math.abs(e.positive[0] - 1 / 3) < 0.01, `exact +1 = ${e.positive[0]}`);
    assert.ok(Math.abs(e.negative[0] + 1 / 3) < 0.01, `exact -1 = ${e.negative[0]}`);
    // RFF error ~ 1/sqrt(m) = 0.045 in Frobenius norm
    assert.ok(Math.abs(e.positive[0] - r.positive[0]) < 0.045 && Math.abs(e.negative[0] - r.negative[0]) < 0.045,
      `exact ${JSON.stringify(e)} vs rff ${JSON.stringify(r)}`);
    const rows = await queryRows(db, `SELECT label, count(*) FROM read_parquet('${path.join(dir, "exact", "top_samples.parquet")}') ` +
      `WHERE mode = '-1' GROUP BY label ORDER BY label`);
    assert.deepEqual(rows.map((x) => x[0]), ["A", "B"], "the exact -1 mode's top samples are A u B");
  });

  it("refuses n above its limit with the numbers, before reading rows", async () => {
    const big = path.join(dir, "big.npy");
    writeNpy(big, new Float32Array(4001 * 2).fill(1), 4001, 2);
    const out = path.join(dir, "out-big");
    const r = await runQuiet({ "x.path": big, "y.path": big, "method": "exact", "kernel.sigma_x": 1,
      "kernel.sigma_y": 1, "out": out });
    assert.ok(r.error);
    assert.match(r.error.message, /n <= 4000; this input has n = 4001/);
    assert.ok(!fs.existsSync(out));
  });
});
