// test/data/synth.ts, run as the command line tool: sharded X/Y Parquet datasets that DuckDB reads
// with the promised layout, the planted cluster structure (X separates what Y merges), data that
// depends on the seed but not on the sharding, and the npy format.
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { inspectSource, readRows } from "../io/source";
import { makeTempDir, openDuckDb, queryRows, removeDir, sqlString } from "./io-helpers";
import type { Connection } from "./io-helpers";

const SYNTH = path.join(__dirname, "data", "synth.js");

const runSynth = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [SYNTH, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const runOk = (args: string[]): Record<string, unknown> => {
  const r = runSynth(args);
  assert.equal(r.status, 0, `synth ${args.join(" ")} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, "one line of JSON");
  return JSON.parse(lines[0]) as Record<string, unknown>;
};

interface Side {
  ids: string[];
  labels: number[];
  vectors: number[][];
}

const readSide = async (db: Connection, dir: string): Promise<Side> => {
  const rows = await queryRows(
    db,
    `SELECT id, label, embedding FROM read_parquet(${sqlString(path.join(dir, "*.parquet"))}, filename = true, file_row_number = true) ` +
      "ORDER BY filename, file_row_number",
  );
  return { ids: rows.map((r) => r[0] as string), labels: rows.map((r) => r[1] as number), vectors: rows.map((r) => r[2] as number[]) };
};

const dist = (a: number[], b: number[]): number => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
};

// Mean distance between samples of clusters a and b (a === b: distinct pairs within a).
const meanDistance = (side: Side, a: number, b: number): number => {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < side.ids.length; i++) {
    if (side.labels[i] !== a) continue;
    for (let k = 0; k < side.ids.length; k++) {
      if (side.labels[k] !== b || k === i) continue;
      sum += dist(side.vectors[i], side.vectors[k]);
      count++;
    }
  }
  return sum / count;
};

// Mean within-cluster and between-cluster distance over all pairs of samples.
const withinBetween = (side: Side): { within: number; between: number } => {
  let w = 0;
  let wn = 0;
  let b = 0;
  let bn = 0;
  for (let i = 0; i < side.ids.length; i++) {
    for (let k = i + 1; k < side.ids.length; k++) {
      const d = dist(side.vectors[i], side.vectors[k]);
      if (side.labels[i] === side.labels[k]) {
        w += d;
        wn++;
      } else {
        b += d;
        bn++;
      }
    }
  }
  return { within: w / wn, between: b / bn };
};

describe("test/data/synth: synthetic paired embeddings", function () {
  this.timeout(120000);
  let dir = "";
  let db: Connection;
  const n = 500;
  const dx = 48;
  const dy = 64;
  const clusters = 6;
  const common = ["--n", String(n), "--dx", String(dx), "--dy", String(dy), "--clusters", String(clusters), "--merges", "2", "--seed", "7"];
  let x: Side;
  let y: Side;
  let summary: Record<string, unknown>;

  before(async () => {
    dir = makeTempDir("synth");
    db = await openDuckDb();
    summary = runOk(["--out", path.join(dir, "a"), ...common, "--files", "3", "--row-group", "70"]);
    x = await readSide(db, path.join(dir, "a", "x"));
    y = await readSide(db, path.join(dir, "a", "y"));
  });
  after(() => removeDir(dir));

  it("writes F part files per side, row groups of R rows, and a truthful JSON summary", async function () {
    const names = ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"];
    assert.deepEqual(fs.readdirSync(path.join(dir, "a", "x")).sort(), names);
    assert.deepEqual(fs.readdirSync(path.join(dir, "a", "y")).sort(), names);
    let bytes = 0;
    for (const side of ["x", "y"]) for (const f of names) bytes += fs.statSync(path.join(dir, "a", side, f)).size;
    assert.equal(summary.bytes, bytes);
    assert.equal(summary.rows, n);
    assert.equal(summary.files, 3);
    assert.equal(typeof summary.seconds, "number");
    // 500 rows in 3 parts: 166, 167, 167 rows; 70-row groups: 3 groups each.
    const groups = await queryRows(db, `SELECT file_name, count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(path.join(dir, "a", "x", "*.parquet"))}) GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(groups.map((g) => Number(g[1])), [3, 3, 3]);
    const types = await queryRows(db, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${sqlString(path.join(dir, "a", "y", "*.parquet"))})`);
    assert.deepEqual(types, [["id", "VARCHAR"], ["label", "INTEGER"], ["embedding", "FLOAT[]"]]);
  });

  it("X and Y: n rows, unique ids in the same order, the same labels, dims dx and dy", function () {
    assert.equal(x.ids.length, n);
    assert.equal(y.ids.length, n);
    assert.equal(new Set(x.ids).size, n, "ids are unique");
    assert.deepEqual(y.ids, x.ids);
    assert.deepEqual(y.labels, x.labels);
    assert.ok(x.vectors.every((v) => v.length === dx));
    assert.ok(y.vectors.every((v) => v.length === dy));
    assert.ok(x.labels.every((c) => Number.isInteger(c) && c >= 0 && c < clusters));
    const sizes = new Array(clusters).fill(0);
    for (const c of x.labels) sizes[c]++;
    assert.ok(Math.min(...sizes) > n / clusters / 2, `every cluster is populated: ${sizes.join(", ")}`);
  });

  it("X has the cluster structure: within-cluster distances well below between-cluster ones", function () {
    const wb = withinBetween(x);
    assert.ok(wb.within < 0.85 * wb.between, `within ${wb.within.toFixed(2)} vs between ${wb.between.toFixed(2)}`);
    // Clusters overlap somewhat: not so far apart that the kernel would be block-diagonal.
    assert.ok(wb.within > 0.5 * wb.between, `within ${wb.within.toFixed(2)} vs between ${wb.between.toFixed(2)}`);
  });

  it("Y merges X's clusters 0+1 and 2+3 (--merges 2) and keeps 4, 5 apart", function () {
    const within0x = meanDistance(x, 0, 0);
    const within0y = meanDistance(y, 0, 0);
    assert.ok(meanDistance(x, 0, 1) > 1.2 * within0x, "X separates clusters 0 and 1");
    assert.ok(meanDistance(y, 0, 1) < 1.05 * within0y, "Y merges clusters 0 and 1");
    assert.ok(meanDistance(y, 2, 3) < 1.05 * meanDistance(y, 2, 2), "Y merges clusters 2 and 3");
    assert.ok(meanDistance(y, 4, 5) > 1.2 * meanDistance(y, 4, 4), "Y keeps clusters 4 and 5 apart");
  });

  it("noise has the requested norm and centres have norms in [20, 30]", function () {
    // Per-cluster means estimate the centres; residuals estimate the noise (expected norm 25).
    for (const side of [x, y]) {
      const dim = side.vectors[0].length;
      const means: number[][] = Array.from({ length: clusters }, () => new Array(dim).fill(0));
      const counts = new Array(clusters).fill(0);
      for (let i = 0; i < n; i++) {
        counts[side.labels[i]]++;
        for (let j = 0; j < dim; j++) means[side.labels[i]][j] += side.vectors[i][j];
      }
      for (let c = 0; c < clusters; c++) for (let j = 0; j < dim; j++) means[c][j] /= counts[c];
      let sq = 0;
      for (let i = 0; i < n; i++) sq += dist(side.vectors[i], means[side.labels[i]]) ** 2;
      const noiseNorm = Math.sqrt(sq / (n - clusters));
      assert.ok(Math.abs(noiseNorm - 25) < 1.5, `noise norm ${noiseNorm}`);
      for (let c = 0; c < clusters; c++) {
        const norm = Math.sqrt(means[c].reduce((s, v) => s + v * v, 0));
        assert.ok(norm > 18 && norm < 32, `centre ${c} norm ${norm}`);
      }
    }
  });

  it("the data depends on the seed, not on --files or --row-group", async function () {
    runOk(["--out", path.join(dir, "b"), ...common]);
    const x1 = await readSide(db, path.join(dir, "b", "x"));
    assert.equal(fs.readdirSync(path.join(dir, "b", "x")).length, 1);
    assert.deepEqual(x1, x);
    runOk(["--out", path.join(dir, "c"), ...common.slice(0, -1), "8"]);
    const x2 = await readSide(db, path.join(dir, "c", "x"));
    assert.deepEqual(x2.ids, x.ids);
    assert.notDeepEqual(x2.vectors[0], x.vectors[0], "another seed gives other vectors");
  });

  it("--format npy: float32 parts with the same vectors, plus ids.txt and labels.txt", function () {
    const out = path.join(dir, "npy");
    const s = runOk(["--out", out, ...common, "--files", "2", "--format", "npy"]);
    assert.equal(s.format, "npy");
    assert.deepEqual(fs.readdirSync(path.join(out, "y")).sort(), ["part-00000.npy", "part-00001.npy"]);
    const ids = fs.readFileSync(path.join(out, "ids.txt"), "utf8").trimEnd().split("\n");
    const labels = fs.readFileSync(path.join(out, "labels.txt"), "utf8").trimEnd().split("\n").map(Number);
    assert.deepEqual(ids, x.ids);
    assert.deepEqual(labels, x.labels);
    const part1 = inspectSource(path.join(out, "y", "part-00001.npy"));
    assert.equal(part1.dtype, "float32");
    assert.equal(part1.rows, 250);
    assert.equal(part1.dim, dy);
    assert.deepEqual(Array.from(readRows(part1, 0, 250).vectors), y.vectors.slice(250).flat());
  });

  it("refuses bad flags and an existing dataset (unless --overwrite), exiting non-zero with a reason", function () {
    const bad = (args: string[], why: RegExp): void => {
      const r = runSynth(args);
      assert.notEqual(r.status, 0, `synth ${args.join(" ")} should fail`);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, "");
    };
    const out = path.join(dir, "bad");
    bad(["--out", out, "--n", "0"], /--n must be an integer >= 1, got '0'/);
    bad(["--out", out, "--n", "10", "--dims", "3"], /unknown flag --dims/);
    bad(["--n", "10"], /--out is required/);
    bad(["--out", out, "--n", "10", "--format", "csv"], /--format must be parquet or npy/);
    bad(["--out", out, "--n", "10", "--clusters", "4", "--merges", "3"], /merges must be an integer in \[0, clusters\/2\]/);
    bad(["--out", out, "--n", "10", "--files", "11"], /--files 11 is more than --n 10/);
    bad(["--out", path.join(dir, "a"), ...common], /already exists; pass --overwrite/);
    const again = runOk(["--out", path.join(dir, "a"), ...common, "--overwrite", "--dx", "4"]);
    assert.equal(again.dx, 4);
    assert.deepEqual(fs.readdirSync(path.join(dir, "a", "x")), ["part-00000.parquet"], "--overwrite removes the old parts");
  });
});
