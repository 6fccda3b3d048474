// `spec-beam align` end to end: Y is X seen through a fixed linear distortion A (stretching some directions,
// squashing others), so the cosine similarities of Y differ from X's and SPEC-diff is large; W = A^-1 undoes it.
// Learning W on training rows must shrink SPEC-diff on rows held out of training.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { writeNpy } from "../io/npy-write";
import { inspectSource, readRows } from "../io/source";
import { resolveConfig } from "../configs/load";
import { knnOverlap, runAlign } from "../pipelines/align";
import { main } from "../pipelines/cli";
import { makeTempDir, removeDir } from "./io-helpers";
import { noise } from "./pipeline-fixtures";
import { Prng } from "../method/prng";
import { getBackend } from "../linalg/index";

const D = 6;

/** Clustered rows (8 clusters in D dims) and the same rows times A = diag(3, 3, 0.3, 0.3, 1, 1) rotated. */
const distorted = (n: number): { x: Float32Array; y: Float32Array } => {
  const r = noise(11);
  const centres = Array.from({ length: 8 }, () => Array.from({ length: D }, () => 2 * r()));
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) x[i * D + j] = centres[i % 8][j] + 0.15 * r();
  const scale = [3, 3, 0.3, 0.3, 1, 1];
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const y = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const v: number[] = [];
    for (let j = 0; j < D; j++) v.push(x[i * D + j] * scale[j]);
    // a rotation in the (0, 2) and (1, 3) planes mixes stretched and squashed directions
    y[i * D + 0] = c * v[0] - s * v[2];
    y[i * D + 2] = s * v[0] + c * v[2];
    y[i * D + 1] = c * v[1] - s * v[3];
    y[i * D + 3] = s * v[1] + c * v[3];
    y[i * D + 4] = v[4];
    y[i * D + 5] = v[5];
  }
  return { x: x, y: y };
};

describe("spec-beam align (linear map, cosine kernel)", function () {
  this.timeout(120000);
  let dir = "";
  let xf = "";
  let yf = "";

  before(() => {
    dir = makeTempDir("align");
    const d = distorted(1500);
    xf = path.join(dir, "x.npy");
    yf = path.join(dir, "y.npy");
    writeNpy(xf, d.x, 1500, D);
    writeNpy(yf, d.y, 1500, D);
  });
  after(() => removeDir(dir));

  const flags = (extra: Record<string, unknown>) => ({ "x.path": xf, "y.path": yf, "align.steps": 300,
    "align.batch": 128, "align.lr": 0.05, "align.reg": 0, "align.holdout": 300, "seed": 4, ...extra });

  it("learns W that shrinks SPEC-diff on held-out rows, and writes W.npy + summary.json", async () => {
    const out = path.join(dir, "run");
    const res = await runAlign(resolveConfig({ flags: flags({ out: out }) }), { progress: false });
    const s = res.summary as { heldout_spec_diff: { before: { two_sided: number }; after: { two_sided: number } };
      rows: { train: number; holdout: number }; trajectory: { step: number; loss: number }[] };
    const before = s.heldout_spec_diff.before.two_sided;
    const after = s.heldout_spec_diff.after.two_sided;
    assert.ok(before > 0.1, `the distortion should be visible: ${before}`);
    assert.ok(after < 0.35 * before, `held-out SPEC-diff ${before} -> ${after}`);
    // a quarter of the held-out rows validate (early stopping); the rest give before/after
    assert.deepEqual(s.rows, { loaded: 1500, train: 1200, validation: 75, holdout: 225, input: 1500 });
    const info = inspectSource(path.join(out, "W.npy"), {});
    assert.deepEqual([info.rows, info.dim], [D, D]);
    const W = readRows(info, 0, D, {}).vectors;
    assert.ok(W instanceof Float64Array && W.every((v) => Number.isFinite(v)));
    const onDisk = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(onDisk.heldout_spec_diff.after.two_sided, after);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes(".tmp-")), []);
  });

  it("same seed, same W", async () => {
    const a = await runAlign(resolveConfig({ flags: flags({ out: path.join(dir, "a"), "align.steps": 20 }) }), { progress: false });
    const b = await runAlign(resolveConfig({ flags: flags({ out: path.join(dir, "b"), "align.steps": 20 }) }), { progress: false });
    assert.deepEqual(fs.readFileSync(path.join(a.outDir, "W.npy")), fs.readFileSync(path.join(b.outDir, "W.npy")));
  });

  it("a zero vector (cosine kernel) stops the run naming the file and row, and publishes nothing", async () => {
    const d = distorted(1500);
    d.y.fill(0, 40 * D, 41 * D);
    const zf = path.join(dir, "y-zero.npy");
    writeNpy(zf, d.y, 1500, D);
    const out = path.join(dir, "zero");
    await assert.rejects(runAlign(resolveConfig({ flags: flags({ "y.path": zf, out: out }) }), { progress: false }),
      (e: Error) => e.name === "InputError" && /y-zero\.npy: global row 40/.test(e.message) && /zero vector/.test(e.message));
    assert.ok(!fs.existsSync(out));
  });

  it("the CLI refuses too few rows for holdout + batch, naming both, and publishes nothing", async () => {
    const out = path.join(dir, "small");
    await assert.rejects(main(["align", "--x", xf, "--y", yf, "--out", out, "--holdout", "1450", "--batch", "128"]),
      /holdout \+ batch = 1578 rows, got 1500/);
    assert.ok(!fs.existsSync(out));
  });

  it("the planted case a linear map can undo: the defaults at least halve the held-out SPEC-diff", async function () {
    this.timeout(300000);
    // 48-d, n = 6,000, six groups; Y = X A Q + noise, A shrinks the direction separating groups 0 and 1 to 0.1x, Q a
    // rotation (the case: the old defaults, lr 0.001 entry-wise and reg 0.01 on ||W - I||, reached 0.164 -> 0.102)
    const n = 6000;
    const d = 48;
    const rng = new Prng(5, "planted-align");
    const centres = Array.from({ length: 6 }, () => Array.from({ length: d }, () => 3 * rng.normal()));
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = centres[i % 6][j] + rng.normal();
    const u = centres[0].map((v, j) => v - centres[1][j]);
    const un = Math.hypot(...u);
    const A = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) A[a * d + b] = (a === b ? 1 : 0) - 0.9 * (u[a] / un) * (u[b] / un);
    const backend = getBackend("auto");
    const R = Float64Array.from({ length: d * d }, () => rng.normal());
    const Q = backend.eigh(backend.gemm(R, R, d, d, d, true, false), d).vectors;
    const Y = backend.gemm(backend.gemm(X, A, n, d, d), Q, n, d, d);
    for (let i = 0; i < n * d; i++) Y[i] += 0.05 * rng.normal();
    const px = path.join(dir, "planted-x.npy");
    const py = path.join(dir, "planted-y.npy");
    writeNpy(px, Float32Array.from(X), n, d);
    writeNpy(py, Float32Array.from(Y), n, d);
    const res = await runAlign(resolveConfig({ flags: { "x.path": px, "y.path": py, "out": path.join(dir, "planted") } }),
      { progress: false });
    const h = res.summary.heldout_spec_diff as { before: { two_sided: number }; after: { two_sided: number } };
    assert.ok(h.before.two_sided > 0.12, `before ${h.before.two_sided}`);
    assert.ok(h.after.two_sided <= h.before.two_sided / 2, `held-out SPEC-diff ${h.before.two_sided} -> ${h.after.two_sided}`);
    // Y W keeps Y's neighbourhoods away from the planted groups: 10-NN overlap (cosine) on rows of groups 2..5
    const wInfo = inspectSource(path.join(dir, "planted", "W.npy"), {});
    const W = Float64Array.from(readRows(wInfo, 0, wInfo.rows).vectors);
    const rows: number[] = [];
    for (let i = 0; i < n && rows.length < 1500; i++) if (i % 6 >= 2) rows.push(i);
    const b = rows.length;
    const Ys = new Float64Array(b * d);
    rows.forEach((r, i) => Ys.set(Y.subarray(r * d, (r + 1) * d), i * d));
    const overlap = knnOverlap(backend, Ys, backend.gemm(Ys, W, b, d, d), b, d, 10);
    assert.ok(overlap >= 0.6, `10-NN overlap outside the planted groups ${overlap}`);
    const k = res.summary.knn_overlap_at_10 as number;
    assert.ok(k > 0.5 && k <= 1, `summary knn_overlap_at_10 ${k}`);
  });
});
