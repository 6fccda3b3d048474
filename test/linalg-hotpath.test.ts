// The hot-path kernels added for large runs, on both backends: RFF features written into a column range of a wider
// block with column sums, the in-place Cholesky, U D U^T in place, U^T W, and eighEnds (all eigenvalues + the
// extreme vectors, upper triangle only).
// Each is checked against a plain reference built from the older, separately tested operations.
import assert from "node:assert/strict";
import type { LinalgBackend, Vec } from "../linalg/backend";
import { getBackend } from "../linalg/index";
import { portableBackend } from "../linalg/portable";
import { featuresInto, makeFeatureMap } from "../method/features";
import { makeRandom, randomMatrix, randomSpd } from "./linalg-fixtures";

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length, "lengths differ");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Symmetric with eigenvalues 1..n spread out (Q diag Q^T, Q from a Cholesky-free Gram-Schmidt). */
const symmetricWithSpectrum = (rand: () => number, n: number, values: number[]): Float64Array => {
  const q = randomMatrix(rand, n, n);
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + j] * q[i * n + p];
      for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + p];
    }
    let nn = 0;
    for (let i = 0; i < n; i++) nn += q[i * n + j] * q[i * n + j];
    const inv = 1 / Math.sqrt(nn);
    for (let i = 0; i < n; i++) q[i * n + j] *= inv;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += q[i * n + t] * values[t] * q[j * n + t];
      a[i * n + j] = s;
    }
  }
  return a;
};

const backends: { label: string; load: () => LinalgBackend }[] = [
  { label: "portable", load: () => portableBackend },
  { label: "native", load: () => getBackend("native") },
];

for (const bc of backends) {
  describe(`linalg hot-path kernels on the ${bc.label} backend`, function () {
    let b: LinalgBackend = portableBackend;
    before(function () {
      try {
        b = bc.load();
      } catch (e) {
        if (process.env.SPEC_BEAM_ALLOW_NO_NATIVE === "1") this.skip();
        else throw e;
      }
    });

    describe("rffFeatures into a column range", () => {
      const cases = [{ rows: 5, d: 3, m: 4 }, { rows: 300, d: 7, m: 520 }, { rows: 301, d: 3, m: 8192 }];
      for (const c of cases) {
        for (const o32 of [false, true]) {
          it(`rows=${c.rows} d=${c.d} m=${c.m} out ${o32 ? "f32" : "f64"}: same values, other columns untouched, column sums`, () => {
            const rand = makeRandom(c.rows + 7 * c.m);
            const x = Float32Array.from(randomMatrix(rand, c.rows, c.d, 4));
            const omega = randomMatrix(rand, c.d, c.m, 3);
            const plain: Vec = o32 ? new Float32Array(c.rows * 2 * c.m) : new Float64Array(c.rows * 2 * c.m);
            b.rffFeatures(x, c.rows, c.d, omega, c.m, plain);
            const off = 3;
            const ld = 2 * c.m + 5;
            const wide: Vec = o32 ? new Float32Array(c.rows * ld) : new Float64Array(c.rows * ld);
            wide.fill(-7);
            const colSum = new Float64Array(ld).fill(0.5);
            b.rffFeatures(x, c.rows, c.d, omega, c.m, wide, { ld: ld, offset: off, colSum: colSum });
            const expectSum = new Float64Array(ld).fill(0.5);
            for (let r = 0; r < c.rows; r++) {
              for (let j = 0; j < ld; j++) {
                const v = wide[r * ld + j];
                if (j < off || j >= off + 2 * c.m) {
                  assert.equal(v, -7, `row ${r} column ${j} outside the range was written`);
                } else {
                  assert.equal(v, plain[r * 2 * c.m + j - off], `row ${r} column ${j}`);
                  expectSum[j] += v;
                }
              }
            }
            assert.ok(maxAbsDiff(colSum, expectSum) < 1e-12 * c.rows, `column sums differ by ${maxAbsDiff(colSum, expectSum)}`);
          });
        }
      }
      it("agrees with the portable backend on a large block (threads and chunks on native)", () => {
        const rows = 700;
        const d = 9;
        const m = 2600;
        const rand = makeRandom(99);
        const x = randomMatrix(rand, rows, d, 2);
        const omega = randomMatrix(rand, d, m, 2);
        const got = new Float64Array(rows * 2 * m);
        const ref = new Float64Array(rows * 2 * m);
        b.rffFeatures(x, rows, d, omega, m, got);
        portableBackend.rffFeatures(x, rows, d, omega, m, ref);
        assert.ok(maxAbsDiff(got, ref) < 1e-12, `max difference ${maxAbsDiff(got, ref)}`);
      });
      describe("the float32 projection (omega given as a Float32Array)", () => {
        // rows far from the origin: ||x|| / sigma ~ 50 puts the arguments near 50, where float32 rounding of X W
        // is ~1e-5 absolute unless the rows are centred first
        const rows = 400;
        const d = 64;
        const m = 300;
        const offset = 25;
        const setup = () => {
          const rand = makeRandom(31);
          const x = Float32Array.from(randomMatrix(rand, rows, d, 1), (v) => v + offset);
          const fm64 = makeFeatureMap({ kernel: "gaussian", d: d, m: m, sigma: 4, seed: 3, stream: "x" });
          const center = new Float64Array(d);
          for (let r = 0; r < rows; r++) for (let k = 0; k < d; k++) center[k] += x[r * d + k] / rows;
          const f32 = makeFeatureMap({ kernel: "gaussian", d: d, m: m, sigma: 4, seed: 3, stream: "x",
            projection: "float32" });
          const cen = makeFeatureMap({ kernel: "gaussian", d: d, m: m, sigma: 4, seed: 3, stream: "x",
            projection: "float32", center: center });
          const run = (fm: ReturnType<typeof makeFeatureMap>): Float64Array => {
            const out = new Float64Array(rows * 2 * m);
            featuresInto(b, fm, x, rows, out, 2 * m, 0);
            return out;
          };
          return { ref: run(fm64), plain: run(f32), centred: run(cen) };
        };
        it("centred rows give the float64 features to float32 rounding of the spread, not of the offset", () => {
          const r = setup();
          const scale = Math.sqrt(m);
          const errCentred = maxAbsDiff(r.centred, r.ref) * scale;
          const errPlain = maxAbsDiff(r.plain, r.ref) * scale;
          // per-feature error relative to the feature scale m^-1/2
          assert.ok(errCentred < 3e-5, `centred: ${errCentred}`);
          assert.ok(errPlain > 10 * errCentred, `uncentred should be much worse here: ${errPlain} vs ${errCentred}`);
        });
        it("agrees with the portable backend's float32 route", () => {
          const rand = makeRandom(8);
          const x = Float32Array.from(randomMatrix(rand, 50, 12, 2));
          const fm = makeFeatureMap({ kernel: "gaussian", d: 12, m: 40, sigma: 2, seed: 1, stream: "y",
            projection: "float32", center: Array.from({ length: 12 }, (_, k) => 0.1 * k) });
          const got = new Float64Array(50 * 80);
          const ref = new Float64Array(50 * 80);
          featuresInto(b, fm, x, 50, got, 80, 0);
          featuresInto(portableBackend, fm, x, 50, ref, 80, 0);
          assert.ok(maxAbsDiff(got, ref) < 1e-6, `max difference ${maxAbsDiff(got, ref)}`);
        });
        it("refuses a centring with a float64 omega or of the wrong length", () => {
          const x = new Float32Array(6);
          const c = { center: new Float64Array(2), phase: new Float64Array(4) };
          assert.throws(() => b.rffFeatures(x, 3, 2, new Float64Array(8), 4, new Float64Array(24), undefined, c),
            /float32 projection only/);
          assert.throws(() => b.rffFeatures(x, 3, 2, new Float32Array(8), 4, new Float64Array(24), undefined,
            { center: new Float64Array(3), phase: new Float64Array(4) }), /center of length d = 2/);
        });
      });
      it("rejects a range that does not fit the stride, a short output and a short colSum", () => {
        const x = new Float64Array(6);
        const om = new Float64Array(8);
        assert.throws(() => b.rffFeatures(x, 3, 2, om, 4, new Float64Array(30), { ld: 9, offset: 2 }), /do not fit rows of stride 9/);
        assert.throws(() => b.rffFeatures(x, 3, 2, om, 4, new Float64Array(27), { ld: 10, offset: 2 }), /needs 30 for 3 rows of stride 10/);
        assert.throws(() => b.rffFeatures(x, 3, 2, om, 4, new Float64Array(30), { ld: 10, offset: 2, colSum: new Float64Array(9) }),
          /colSum has 9 elements, needs offset\+2m = 10/);
      });
    });

    it("featuresInto adds the column sums of what it writes (gaussian and cosine)", () => {
      const rand = makeRandom(5);
      const rows = 40;
      const x = randomMatrix(rand, rows, 6, 3);
      const y = randomMatrix(rand, rows, 4, 3);
      const fx = makeFeatureMap({ kernel: "gaussian", d: 6, m: 11, sigma: 1.5, seed: 3, stream: "x" });
      const fy = makeFeatureMap({ kernel: "cosine", d: 4, seed: 3, stream: "y" });
      const M = fx.dim + fy.dim;
      const phi = new Float64Array(rows * M);
      const cs = new Float64Array(M);
      featuresInto(b, fx, x, rows, phi, M, 0, cs);
      featuresInto(b, fy, y, rows, phi, M, fx.dim, cs);
      const ref = new Float64Array(M);
      for (let r = 0; r < rows; r++) for (let j = 0; j < M; j++) ref[j] += phi[r * M + j];
      assert.ok(maxAbsDiff(cs, ref) < 1e-12, `column sums differ by ${maxAbsDiff(cs, ref)}`);
      // the cosine block really is the normalised rows
      const r0 = Math.hypot(y[0], y[1], y[2], y[3]);
      assert.ok(Math.abs(phi[fx.dim] - y[0] / r0) < 1e-15);
    });

    it("choleskyInPlace equals cholesky and throws on an indefinite matrix", () => {
      const rand = makeRandom(11);
      for (const n of [1, 7, 64]) {
        const a = randomSpd(rand, n);
        const ref = b.cholesky(a, n);
        const inPlace = Float64Array.from(a);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inPlace[i * n + j] = 99;
        b.choleskyInPlace(inPlace, n);
        assert.ok(maxAbsDiff(inPlace, ref) < 1e-12 * n, `n=${n}: differs by ${maxAbsDiff(inPlace, ref)}`);
      }
      assert.throws(() => b.choleskyInPlace(new Float64Array([1, 2, 2, 1]), 2), /not positive definite/);
    });

    it("signedOuterInPlace: Theta = U diag(I, -I) U^T above, U^T below; lowerTimes multiplies by U^T", () => {
      const rand = makeRandom(12);
      const n = 37;
      const u = b.cholesky(randomSpd(rand, n), n);
      for (const split of [0, 15, n]) {
        const ud = Float64Array.from(u);
        for (let i = 0; i < n; i++) for (let j = split; j < n; j++) ud[i * n + j] = -ud[i * n + j];
        const theta = b.gemm(ud, u, n, n, n, false, true);
        const a = Float64Array.from(u);
        const diag = b.signedOuterInPlace(a, n, split);
        let err = 0;
        for (let i = 0; i < n; i++) {
          assert.equal(diag[i], u[i * n + i]);
          for (let j = i; j < n; j++) err = Math.max(err, Math.abs(a[i * n + j] - theta[i * n + j]));
          for (let j = 0; j < i; j++) assert.equal(a[i * n + j], u[j * n + i], `lower (${i}, ${j}) must hold U^T`);
        }
        assert.ok(err < 1e-9, `split=${split}: Theta differs by ${err}`);
        // garbage in the upper triangle (as eighEnds leaves it) must not matter to lowerTimes
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = 1e3 * (j - i) - 5;
        const w = randomMatrix(rand, n, 3);
        const ref = b.gemm(u, w, n, n, 3, true, false);
        b.lowerTimes(a, n, diag, w, 3);
        assert.ok(maxAbsDiff(w, ref) < 1e-10, `split=${split}: U^T W differs by ${maxAbsDiff(w, ref)}`);
      }
      assert.throws(() => b.signedOuterInPlace(Float64Array.from(u), n, n + 1), /split = 38/);
      assert.throws(() => b.lowerTimes(u, n, new Float64Array(n), new Float64Array(5), 3), /W has 5 elements/);
    });

    it("eighEnds: all eigenvalues and the eigenvectors of both ends; A is workspace", () => {
      const rand = makeRandom(13);
      const n = 60;
      const spectrum = Array.from({ length: n }, (_, i) => (i - 25) * 0.37 + (i % 3) * 0.01);
      const a = symmetricWithSpectrum(rand, n, spectrum);
      const full = b.eigh(a, n);
      for (const ends of [[3, 4], [0, 5], [5, 0], [0, 0], [n, 0]]) {
        const kLow = ends[0];
        const kHigh = ends[1];
        const work = Float64Array.from(a);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) work[i * n + j] = 1e6 + i - j;
        const r = b.eighEnds(work, n, kLow, kHigh);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < i; j++) assert.equal(work[i * n + j], 1e6 + i - j, "the strict lower triangle was written");
        }
        assert.ok(maxAbsDiff(r.values, full.values) < 1e-12 * n, `${kLow}/${kHigh}: eigenvalues differ`);
        const k = kLow + kHigh;
        assert.equal(r.vectors.length, n * k);
        for (let c = 0; c < k; c++) {
          const src = c < kLow ? c : n - kHigh + (c - kLow);
          let dot = 0;
          for (let i = 0; i < n; i++) dot += r.vectors[i * k + c] * full.vectors[i * n + src];
          assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-10, `${kLow}/${kHigh} column ${c}: |<v, v_ref>| = ${Math.abs(dot)}`);
        }
      }
      assert.throws(() => b.eighEnds(Float64Array.from(a), n, 40, 30), /kLow \+ kHigh <= n/);
    });
  });
}
