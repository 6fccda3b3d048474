// Feature maps (method/features.ts) and the Gram accumulator (method/gram.ts): what the pipeline's map and combine
// stages compute, checked against plain loops.
import assert from "node:assert/strict";
import { getBackend } from "../linalg/index";
import { Prng } from "../method/prng";
import { FeatureRowError, ZeroVectorError, featuresInto, makeFeatureMap } from "../method/features";
import { GramAccumulator, covariance } from "../method/gram";
import { kernelMatrix } from "../method/exact";
import { scoreBlock } from "../method/scores";
import { randn } from "./method-fixtures";

const backend = getBackend("portable");

describe("method/features: explicit feature maps", () => {
  it("RFF features have unit norm and approximate the Gaussian kernel to ~1/sqrt(m)", () => {
    const n = 40;
    const d = 7;
    const x = randn(new Prng(1, "data"), n, d);
    const m = 4000;
    const fm = makeFeatureMap({ kernel: "gaussian", d: d, m: m, sigma: 2.5, seed: 3, stream: "x" });
    assert.equal(fm.dim, 2 * m);
    const phi = new Float64Array(n * fm.dim);
    featuresInto(backend, fm, x, n, phi, fm.dim, 0);
    const K = kernelMatrix(x, n, d, { kernel: "gaussian", sigma: 2.5 });
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      let nn = 0;
      for (let t = 0; t < fm.dim; t++) nn += phi[i * fm.dim + t] ** 2;
      assert.ok(Math.abs(nn - 1) < 1e-12, `||phi|| ^ 2 = ${nn}`);
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let t = 0; t < fm.dim; t++) dot += phi[i * fm.dim + t] * phi[j * fm.dim + t];
        maxErr = Math.max(maxErr, Math.abs(dot - K[i * n + j]));
      }
    }
    assert.ok(maxErr < 5 / Math.sqrt(m) && maxErr > 0.1 / Math.sqrt(m), `max kernel error ${maxErr}`);
  });

  it("the same (seed, stream) gives the same map, another stream another one", () => {
    const a = makeFeatureMap({ kernel: "gaussian", d: 4, m: 10, sigma: 1, seed: 5, stream: "x" });
    const b = makeFeatureMap({ kernel: "gaussian", d: 4, m: 10, sigma: 1, seed: 5, stream: "x" });
    const c = makeFeatureMap({ kernel: "gaussian", d: 4, m: 10, sigma: 1, seed: 5, stream: "y" });
    assert.deepEqual(a.omega, b.omega);
    assert.notDeepEqual(a.omega, c.omega);
  });

  it("writes phi into its column range of a wider block, f64 and f32, leaving the other columns alone", () => {
    const rows = 9;
    const x = randn(new Prng(2, "data"), rows, 5);
    const y = randn(new Prng(3, "data"), rows, 3);
    const fx = makeFeatureMap({ kernel: "gaussian", d: 5, m: 6, sigma: 1.5, seed: 1, stream: "x" });
    const fy = makeFeatureMap({ kernel: "cosine", d: 3, seed: 1, stream: "y" });
    const alone = new Float64Array(rows * fx.dim);
    featuresInto(backend, fx, x, rows, alone, fx.dim, 0);
    for (const make of [(k: number) => new Float64Array(k), (k: number) => new Float32Array(k)]) {
      const cols = fx.dim + fy.dim + 2;
      const out = make(rows * cols).fill(-9);
      featuresInto(backend, fx, x, rows, out, cols, 1);
      featuresInto(backend, fy, y, rows, out, cols, 1 + fx.dim);
      const tol = out instanceof Float32Array ? 1e-6 : 1e-15;
      for (let r = 0; r < rows; r++) {
        assert.equal(out[r * cols], -9);
        assert.equal(out[r * cols + cols - 1], -9);
        for (let t = 0; t < fx.dim; t++) assert.ok(Math.abs(out[r * cols + 1 + t] - alone[r * fx.dim + t]) <= tol);
        const nrm = Math.hypot(y[r * 3], y[r * 3 + 1], y[r * 3 + 2]);
        for (let t = 0; t < 3; t++) {
          assert.ok(Math.abs(out[r * cols + 1 + fx.dim + t] - y[r * 3 + t] / nrm) <= tol);
        }
      }
    }
  });

  it("cosine: a zero vector throws ZeroVectorError carrying the local row index", () => {
    const fm = makeFeatureMap({ kernel: "cosine", d: 3, seed: 1, stream: "x" });
    const x = new Float64Array([1, 2, 3, 0, 0, 0, 4, 5, 6]);
    const out = new Float64Array(9);
    let caught: unknown = null;
    try {
      featuresInto(backend, fm, x, 3, out, 3, 0);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ZeroVectorError && caught instanceof FeatureRowError);
    assert.equal((caught as ZeroVectorError).row, 1);
    assert.match((caught as Error).message, /row 1: zero vector/);
    assert.throws(() => featuresInto(backend, fm, new Float64Array([1, Number.NaN, 0]), 1, out, 3, 0), /non-finite/);
  });

  it("rejects a missing m / sigma and a column range that does not fit", () => {
    assert.throws(() => makeFeatureMap({ kernel: "gaussian", d: 3, sigma: 1, seed: 1, stream: "x" }), /needs m/);
    assert.throws(() => makeFeatureMap({ kernel: "gaussian", d: 3, m: 4, seed: 1, stream: "x" }), /needs sigma/);
    const fm = makeFeatureMap({ kernel: "cosine", d: 3, seed: 1, stream: "x" });
    assert.throws(() => featuresInto(backend, fm, new Float64Array(6), 2, new Float64Array(8), 4, 2), /do not fit/);
  });
});

describe("method/gram: GramAccumulator", () => {
  const n = 53;
  const M = 23;
  const phi = randn(new Prng(7, "phi"), n, M);
  const reference = (): { upper: Float64Array; colSum: Float64Array } => {
    const upper = new Float64Array(M * M);
    const colSum = new Float64Array(M);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < M; i++) {
        colSum[i] += phi[r * M + i];
        for (let j = i; j < M; j++) upper[i * M + j] += phi[r * M + i] * phi[r * M + j];
      }
    }
    return { upper: upper, colSum: colSum };
  };
  const close = (a: Float64Array, b: Float64Array, tol: number): void => {
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `entry ${i}: ${a[i]} vs ${b[i]}`);
  };

  it("blocks of rows add up to Phi^T Phi (upper triangle), the column sums and n", () => {
    const acc = new GramAccumulator(M);
    for (const cut of [[0, 10], [10, 11], [11, 40], [40, 53]]) {
      acc.addBlock(backend, phi.subarray(cut[0] * M, cut[1] * M), cut[1] - cut[0]);
    }
    const ref = reference();
    assert.equal(acc.n, n);
    close(acc.colSum, ref.colSum, 1e-12);
    for (let i = 0; i < M; i++) {
      for (let j = i; j < M; j++) assert.ok(Math.abs(acc.upper[i * M + j] - ref.upper[i * M + j]) < 1e-11);
    }
  });

  it("merge of partial accumulators equals one accumulator over all rows; f32 blocks agree to f32 rounding", () => {
    const whole = new GramAccumulator(M);
    whole.addBlock(backend, phi, n);
    const a = new GramAccumulator(M);
    const b = new GramAccumulator(M);
    a.addBlock(backend, phi.subarray(0, 20 * M), 20);
    b.addBlock(backend, phi.subarray(20 * M), n - 20);
    a.merge(b);
    assert.equal(a.n, n);
    close(covariance(a), covariance(whole), 1e-13);
    const f = new GramAccumulator(M);
    f.addBlock(backend, Float32Array.from(phi), n);
    close(covariance(f), covariance(whole), 1e-5);
    assert.throws(() => a.merge(new GramAccumulator(M + 1)), /M/);
  });

  it("covariance is the symmetric upper / n", () => {
    const acc = new GramAccumulator(M);
    acc.addBlock(backend, phi, n);
    const C = covariance(acc);
    const ref = reference();
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) {
        const k = i <= j ? i * M + j : j * M + i;
        assert.ok(Math.abs(C[i * M + j] - ref.upper[k] / n) < 1e-13);
      }
    }
    assert.throws(() => covariance(new GramAccumulator(3)), /n = 0/);
  });

  it("toTiles / fromTiles round-trips for any tile size, and summed tiles from two shards equal the merge", () => {
    const a = new GramAccumulator(M);
    const b = new GramAccumulator(M);
    a.addBlock(backend, phi.subarray(0, 30 * M), 30);
    b.addBlock(backend, phi.subarray(30 * M), n - 30);
    for (const tile of [1, 5, 8, 22, 23, 64]) {
      const T = Math.ceil(M / tile);
      const ta = a.toTiles(tile);
      const tb = b.toTiles(tile);
      assert.equal(ta.length, (T * (T + 1)) / 2);
      for (const t of ta) assert.ok(t.bi <= t.bj);
      // a Beam combine sums matching tiles
      const summed = ta.map((t, i) => {
        const data = t.data.slice();
        for (let q = 0; q < data.length; q++) data[q] += tb[i].data[q];
        return { bi: t.bi, bj: t.bj, data: data };
      });
      const colSum = a.colSum.slice();
      for (let i = 0; i < M; i++) colSum[i] += b.colSum[i];
      const back = GramAccumulator.fromTiles(M, tile, a.n + b.n, colSum, summed.reverse());
      const merged = new GramAccumulator(M);
      merged.merge(a);
      merged.merge(b);
      assert.deepEqual(back.upper, merged.upper);
      assert.deepEqual(back.colSum, merged.colSum);
      assert.equal(back.n, n);
    }
  });

  it("fromTiles rejects missing, duplicate, misplaced or mis-sized tiles", () => {
    const acc = new GramAccumulator(M);
    acc.addBlock(backend, phi, n);
    const tiles = acc.toTiles(8);
    assert.throws(() => GramAccumulator.fromTiles(M, 8, n, acc.colSum, tiles.slice(1)), /missing/);
    assert.throws(() => GramAccumulator.fromTiles(M, 8, n, acc.colSum, [...tiles, tiles[0]]), /twice/);
    assert.throws(() => GramAccumulator.fromTiles(M, 8, n, acc.colSum,
      [...tiles.slice(1), { bi: 1, bj: 0, data: tiles[0].data }]), /outside/);
    assert.throws(() => GramAccumulator.fromTiles(M, 8, n, acc.colSum,
      [{ bi: 0, bj: 0, data: new Float64Array(3) }, ...tiles.slice(1)]), /expected 8 x 8/);
  });
});

describe("method/scores: scoreBlock", () => {
  it("equals Phi V for f64 and f32 blocks", () => {
    const rows = 11;
    const M = 9;
    const K = 3;
    const phi = randn(new Prng(1, "phi"), rows, M);
    const V = randn(new Prng(2, "V"), M, K);
    const ref = new Float64Array(rows * K);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < K; j++) for (let t = 0; t < M; t++) ref[r * K + j] += phi[r * M + t] * V[t * K + j];
    }
    const a = scoreBlock(backend, phi, rows, M, V, K);
    const b = scoreBlock(backend, Float32Array.from(phi), rows, M, V, K);
    for (let i = 0; i < ref.length; i++) {
      assert.ok(Math.abs(a[i] - ref[i]) < 1e-13);
      assert.ok(Math.abs(b[i] - ref[i]) < 1e-5);
    }
    assert.throws(() => scoreBlock(backend, phi, rows, M, V, K + 1), /V holds/);
  });
});
