// `spec-beam align` end to end: Y is X seen through a fixed linear distortion A (stretching some directions,
// squashing others), so the cosine similarities of Y differ from X's and SPEC-diff is large; W = A^-1 undoes it.
// Learning W on training rows must shrink SPEC-diff on rows held out of training.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { writeNpy } from "../io/npy-write";
import { inspectSource, readRows } from "../io/source";
import { resolveConfig } from "../configs/load";
import { runAlign } from "../pipelines/align";
import { main } from "../pipelines/cli";
import { makeTempDir, removeDir } from "./io-helpers";
import { noise } from "./pipeline-fixtures";

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
    "align.batch": 128, "align.lr": 0.02, "align.reg": 0, "align.holdout": 300, "seed": 4, ...extra });

  it("learns W that shrinks SPEC-diff on held-out rows, and writes W.npy + summary.json", async () => {
    const out = path.join(dir, "run");
    const res = await runAlign(resolveConfig({ flags: flags({ out: out }) }), { progress: false });
    const s = res.summary as { heldout_spec_diff: { before: { two_sided: number }; after: { two_sided: number } };
      rows: { train: number; holdout: number }; trajectory: { step: number; loss: number }[] };
    const before = s.heldout_spec_diff.before.two_sided;
    const after = s.heldout_spec_diff.after.two_sided;
    assert.ok(before > 0.1, `the distortion should be visible: ${before}`);
    assert.ok(after < 0.35 * before, `held-out SPEC-diff ${before} -> ${after}`);
    assert.deepEqual(s.rows, { loaded: 1500, train: 1200, holdout: 300, input: 1500 });
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
});
