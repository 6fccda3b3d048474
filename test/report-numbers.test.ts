// The numbers behind the report, on arrays against explicit oracles: the kernel-PCA map axes, the random-feature
// error from two halves of the frequencies, the tightness of a set of rows, the mode digests, the advice, and
// reading rows back by index.
import { strict as assert } from "node:assert";
import * as path from "path";
import { getBackend } from "../linalg/index";
import { GramAccumulator, covariance } from "../method/gram";
import { pcaAxes } from "../method/kernel-pca";
import { rffHalves } from "../method/rff-halves";
import { solveSpec } from "../method/solver";
import { meanPairwiseKernel } from "../method/tightness";
import { kernelCka } from "../method/cka";
import { modeDigests } from "../report/mode-digest";
import { adviceFor, AdviceInput } from "../report/advice";
import { readRowsAt } from "../io/rows-at";
import { keepSmallest, MAP_SAMPLE, mapCombine, mapThreshold, rowHash } from "../worker/map-sample";
import type { MapPoint } from "../run-dir/layout";
import { inspectSource, readRows } from "../io/source";
import { writeNpy } from "../io/npy-write";
import { clustered, makeMaps, buildPhi } from "./method-fixtures";
import { makeTempDir, openDuckDb, removeDir } from "./io-helpers";
import { plantedTable, writeTableParquet } from "./pipeline-fixtures";

const backend = getBackend("auto");

const problem = () => {
  const n = 400;
  const { fx, fy } = makeMaps("gaussian", 5, 4, 60, 2, 2, 3);
  const p = buildPhi(backend, fx, fy, clustered(1, n, 5, 4, 3, 1).x, clustered(2, n, 4, 3, 3, 1).x, n);
  const acc = new GramAccumulator(p.M);
  acc.addBlock(backend, p.phi, n);
  return { n: n, phi: p.phi, M: p.M, DX: fx.dim, DY: fy.dim, C: covariance(acc), colSum: acc.colSum, m: 60 };
};

describe("report numbers", function () {
  this.timeout(120000);

  it("map axes: eigenvectors of the centred covariance; the coordinates have mean 0 and variance lambda", () => {
    const p = problem();
    const ax = pcaAxes(backend, p.C, p.M, p.DX, p.DY, p.colSum, p.n, 2);
    // coordinates of every row on Y's axes: (phi_Y - mu) . e
    for (let j = 0; j < 2; j++) {
      let mean = 0;
      let sq = 0;
      const coords: number[] = [];
      for (let i = 0; i < p.n; i++) {
        let v = -ax.offsets[j];
        for (let t = 0; t < p.DY; t++) v += p.phi[i * p.M + p.DX + t] * ax.vectors[t * 2 + j];
        coords.push(v);
        mean += v / p.n;
      }
      for (const v of coords) sq += (v - mean) ** 2 / p.n;
      assert.ok(Math.abs(mean) < 1e-12, `axis ${j}: mean ${mean}`);
      assert.ok(Math.abs(sq - ax.values[j]) <= 1e-10 * ax.values[j], `axis ${j}: variance ${sq} vs ${ax.values[j]}`);
    }
    assert.ok(ax.values[0] >= ax.values[1] && ax.values[1] > 0);
    // no other unit direction has more variance: the top eigenvalue of the explicit centred block
    const d = p.DY;
    const A = new Float64Array(d * d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        A[a * d + b] = p.C[(p.DX + a) * p.M + p.DX + b] - (p.colSum[p.DX + a] / p.n) * (p.colSum[p.DX + b] / p.n);
      }
    }
    const all = backend.eigh(A, d).values;
    const top = Math.max(...Array.from(all));
    assert.ok(Math.abs(top - ax.values[0]) <= 1e-10 * top);
  });

  it("two halves of the frequencies: each half's eigenvalues are SPEC on sqrt(2) x those features", () => {
    const p = problem();
    const h = rffHalves(backend, { C: p.C, colSum: p.colSum, n: p.n, DX: p.DX, DY: p.DY, mX: p.m, mY: p.m, eta: 1, k: 3,
      inputPrecision: "float64" });
    assert.ok(h);
    for (let half = 0; half < 2; half++) {
      const cols: number[] = [];
      for (const off of [0, p.DX]) {
        const lo = half === 0 ? 0 : p.m / 2;
        for (let f = lo; f < lo + p.m / 2; f++) cols.push(off + f);
        for (let f = lo; f < lo + p.m / 2; f++) cols.push(off + p.m + f);
      }
      const Mh = cols.length;
      const phiH = new Float64Array(p.n * Mh);
      for (let i = 0; i < p.n; i++) {
        for (let a = 0; a < Mh; a++) phiH[i * Mh + a] = Math.SQRT2 * p.phi[i * p.M + cols[a]];
      }
      const acc = new GramAccumulator(Mh);
      acc.addBlock(backend, phiH, p.n);
      const want = solveSpec(backend, { C: covariance(acc), n: p.n, colSum: acc.colSum, DX: Mh / 2, DY: Mh / 2, eta: 1,
        method: "cholesky", k: 3 });
      for (let j = 0; j < 3; j++) {
        assert.ok(Math.abs(h.positive[half][j] - want.positive.values[j]) <= 1e-10 * Math.abs(want.positive.values[j]));
        assert.ok(Math.abs(h.negative[half][j] - want.negative.values[j]) <= 1e-10 * Math.abs(want.negative.values[j]));
      }
    }
    assert.deepEqual(h.positiveError, h.positive[0].map((v, j) => Math.abs(v - h.positive[1][j]) / 2));
    assert.equal(rffHalves(backend, { C: p.C, colSum: p.colSum, n: p.n, DX: p.DX, DY: p.DY, mX: null, mY: null, eta: 1,
      k: 3, inputPrecision: "float64" }), undefined);
  });

  it("kernel CKA from C equals the n x n CKA of the features' kernels; 1 for a view against itself", () => {
    const p = problem();
    const n = p.n;
    const centred = (off: number, d: number): Float64Array => {
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let v = 0;
          for (let t = 0; t < d; t++) v += p.phi[i * p.M + off + t] * p.phi[j * p.M + off + t];
          K[i * n + j] = v;
        }
      }
      const rowMean = new Float64Array(n);
      let all = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) rowMean[i] += K[i * n + j] / n;
        all += rowMean[i] / n;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] += all - rowMean[i] - rowMean[j];
      return K;
    };
    const kx = centred(0, p.DX);
    const ky = centred(p.DX, p.DY);
    const tr = (a: Float64Array, b: Float64Array): number => a.reduce((t, v, i) => t + v * b[i], 0);
    const want = tr(kx, ky) / Math.sqrt(tr(kx, kx) * tr(ky, ky));
    const got = kernelCka(p.C, p.colSum, n, p.DX, p.DY);
    assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
    // two unrelated cluster structures (4 groups vs 3): low but not zero
    assert.ok(got > 0.01 && got < 0.5, `${got}`);
    // X against itself: C = [[C_XX, C_XX], [C_XX, C_XX]]
    const d = p.DX;
    const self = new Float64Array(4 * d * d);
    for (let i = 0; i < 2 * d; i++) {
      for (let j = 0; j < 2 * d; j++) self[i * 2 * d + j] = p.C[(i % d) * p.M + (j % d)];
    }
    const cs = Float64Array.from({ length: 2 * d }, (_, i) => p.colSum[i % d]);
    assert.ok(Math.abs(kernelCka(self, cs, n, d, d) - 1) < 1e-12);
  });

  it("tightness: identical rows give 1, orthogonal rows under cosine 0, Gaussian pairs exp(-d^2 / 2 sigma^2)", () => {
    const e = (i: number, d: number) => Float64Array.from({ length: d }, (_, t) => (t === i ? 1 : 0));
    assert.equal(meanPairwiseKernel([e(0, 3), e(0, 3), e(0, 3)], { kernel: "gaussian", sigma: 1 }), 1);
    assert.equal(meanPairwiseKernel([e(0, 3), e(1, 3), e(2, 3)], { kernel: "cosine" }), 0);
    // pairs at squared distance 2 (three unit vectors): exp(-2 / (2 * 4))
    const g = meanPairwiseKernel([e(0, 3), e(1, 3), e(2, 3)], { kernel: "gaussian", sigma: 2 });
    assert.ok(Math.abs(g - Math.exp(-0.25)) < 1e-15);
    assert.ok(Number.isNaN(meanPairwiseKernel([e(0, 3)], { kernel: "cosine" })));
  });

  it("mode digests: group size |lambda| n, the dominant label and its share", () => {
    const d = modeDigests(["+1", "-1"], [0.05, -0.02], 1000, { "+1": ["a", "b", "a", "a"], "-1": [3, 3, 4, 4, 4] });
    assert.deepEqual(d.map((x) => [x.mode, x.group_size_estimate, x.dominant_label, x.dominant_share]),
      [["+1", 50, "a", 0.75], ["-1", 20, "4", 0.6]]);
    assert.equal(modeDigests(["+1"], [0.1], 10, undefined)[0].dominant_label, null);
  });

  it("advice: names a bandwidth that is too large or too small, with a suggestion, and modes within the RFF error", () => {
    const base: AdviceInput = { n: 1000, rff: 500, traceGamma: 0, traceExpected: 0, positive: [0.05, 0.049],
      negative: [-0.03], positiveError: [0.002, 0.002], negativeError: [0.001], warnings: [],
      sides: [{ name: "X", flag: "--sigma-x", kernel: "gaussian", sigma: 8, top: [0.95] },
        { name: "Y", flag: "--sigma-y", kernel: "gaussian", sigma: 0.01, top: [0.002] }] };
    const text = adviceFor(base).map((a) => `${a.level}: ${a.text}`).join("\n");
    assert.match(text, /warn: X: the top eigenvalue of C \(0\.9500\) is close to 1.*--sigma-x 4\.0000/);
    assert.match(text, /warn: Y: the top eigenvalue of C \(0\.0020\) is close to 1\/n.*--sigma-y 0\.0200/);
    assert.match(text, /warn: mode \+1: .* of mode \+2 .*raise --rff \(now 500\)/);
    assert.ok(!/mode -1/.test(text), text);
    const ok = adviceFor({ ...base, positive: [0.05, 0.03], sides: [{ ...base.sides[0], top: [0.2, 0.05] }] });
    assert.ok(ok.every((a) => a.level === "ok"), JSON.stringify(ok));
  });

  describe("rows read back by index", () => {
    let dir = "";
    before(() => {
      dir = makeTempDir("rows-at");
    });
    after(() => removeDir(dir));

    it("Parquet (several row groups, two files) and .npy give the rows a sequential read gives", async () => {
      const t = plantedTable(30, 3, 4);
      const a = path.join(dir, "a.parquet");
      const b = path.join(dir, "b.parquet");
      const db = await openDuckDb();
      await writeTableParquet(a, t, { rowGroupSize: 7, db: db });
      await writeTableParquet(b, t, { rowGroupSize: 11, db: db });
      const files = [a, b].map((f) => inspectSource(f, { column: "x" }));
      const all = [...files.map((f) => readRows(f, 0, f.rows).vectors)];
      const want = (r: number): number[] => Array.from(all[r < 90 ? 0 : 1].subarray((r % 90) * 3, (r % 90) * 3 + 3));
      const rows = [179, 0, 6, 7, 95, 90, 89, 6];
      const got = readRowsAt(files, { column: "x", metadataColumns: [] }, rows);
      rows.forEach((r, i) => assert.deepEqual(Array.from(got[i]), want(r), `row ${r}`));
      const npy = path.join(dir, "x.npy");
      writeNpy(npy, Float32Array.from(t.x.flat()), 90, 3);
      const info = inspectSource(npy, {});
      const byIndex = readRowsAt([info], { metadataColumns: [] }, [89, 3]);
      assert.deepEqual(Array.from(byIndex[0]), Array.from(Float32Array.from(t.x[89])));
      assert.deepEqual(Array.from(byIndex[1]), Array.from(Float32Array.from(t.x[3])));
      assert.throws(() => readRowsAt(files, { column: "x", metadataColumns: [] }, [180]), /beyond the 180 rows/);
    });
  });
});

describe("the map's sample", () => {
  it("is the same rows however the rows are split into bundles, MAP_SAMPLE of them, spread over all rows", () => {
    const n = 20000;
    const sample = (bundle: number): number[] => {
      const cut = mapThreshold(n);
      const lists: MapPoint[][] = [];
      for (let s = 0; s < n; s += bundle) {
        const pts: MapPoint[] = [];
        for (let r = s; r < Math.min(n, s + bundle); r++) {
          const h = rowHash(7, r);
          if (h < cut) pts.push({ id: `r${r}`, row: r, h: h, c: [], s: [] });
        }
        lists.push(keepSmallest(pts));
      }
      const fn = mapCombine();
      let acc = fn.createAccumulator();
      for (const l of lists) acc = fn.addInput(acc, JSON.stringify(l));
      return (JSON.parse(fn.extractOutput(acc)) as MapPoint[]).map((p) => p.row).sort((a, b) => a - b);
    };
    const a = sample(20000);
    const b = sample(777);
    assert.equal(a.length, MAP_SAMPLE);
    assert.deepEqual(a, b);
    // uniform: the mean row index within a few standard errors of n / 2 (sd of the mean ~ n / sqrt(12 x 3000) = 105)
    const mean = a.reduce((t, r) => t + r, 0) / a.length;
    assert.ok(Math.abs(mean - n / 2) < 600, `mean row ${mean}`);
  });
});
