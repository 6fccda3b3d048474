// One specification for both linalg backends: every method against straightforward reference loops on seeded
// random matrices, then native-vs-portable agreement to rounding. The native suite fails (does not skip) when the
// addon cannot load, unless SPEC_BEAM_ALLOW_NO_NATIVE=1.
import assert from "node:assert/strict";
import type { LinalgBackend, Vec } from "../linalg/backend";
import { backendInfo, getBackend, setThreads } from "../linalg/index";
import { portableBackend } from "../linalg/portable";
import { makeRandom, randomMatrix, randomSpd } from "./linalg-fixtures";

const SIZES = [1, 3, 17, 100];

const randomSymmetric = (rand: () => number, n: number): Float64Array => {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = rand();
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return m;
};

/** Copy of a symmetric a whose strict lower triangle is overwritten, to show it is never read. */
const withGarbageLower = (a: Float64Array, n: number): Float64Array => {
  const g = Float64Array.from(a);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = 1e6 * (i - j) + 7;
  return g;
};

const refGram = (a: Vec, rows: number, d: number): Float64Array => {
  const g = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g[i * d + j] += a[r * d + i] * a[r * d + j];
  }
  return g;
};

/** Reference op(A) op(B) from the definition, element by element. */
const refGemm = (a: Float64Array, b: Float64Array, m: number, k: number, n: number, ta: boolean,
                 tb: boolean): Float64Array => {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
};

const maxAbs = (x: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
};

const assertClose = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(maxAbs(want), 1e-300);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * scale)) assert.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (tol ${tol})`);
  }
};

/** max_j ||A v_j - l_j v_j|| / ||A||_max for k eigenpairs (vectors n x k, columns). */
const eighResidual = (a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number => {
  const k = values.length;
  let worst = 0;
  for (let j = 0; j < k; j++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += a[i * n + p] * vectors[p * k + j];
      const e = s - values[j] * vectors[i * k + j];
      r2 += e * e;
    }
    worst = Math.max(worst, Math.sqrt(r2));
  }
  return worst / Math.max(maxAbs(a), 1e-300);
};

const assertOrthonormalColumns = (v: Float64Array, n: number, k: number, tol: number): void => {
  for (let p = 0; p < k; p++) {
    for (let q = p; q < k; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i * k + p] * v[i * k + q];
      const want = p === q ? 1 : 0;
      if (!(Math.abs(s - want) <= tol)) assert.fail(`columns ${p}, ${q}: dot ${s}, expected ${want}`);
    }
  }
};

/** Same eigenvectors up to sign: |<v, w>| = 1 for each column pair. */
const assertSameColumnsUpToSign = (v: Float64Array, w: Float64Array, n: number, k: number, tol: number): void => {
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i * k + j] * w[i * k + j];
    if (!(Math.abs(Math.abs(s) - 1) <= tol)) assert.fail(`column ${j}: |<v, w>| = ${Math.abs(s)}, expected 1`);
  }
};

const refRff = (x: Vec, rows: number, d: number, omega: Float64Array, m: number): Float64Array => {
  const out = new Float64Array(rows * 2 * m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += x[r * d + k] * omega[k * m + j];
      out[r * 2 * m + j] = Math.cos(z) / Math.sqrt(m);
      out[r * 2 * m + m + j] = Math.sin(z) / Math.sqrt(m);
    }
  }
  return out;
};

/** V V^T for a random n x k V: PSD of rank k, n - k zero eigenvalues. */
const lowRankPsd = (rand: () => number, n: number, k: number): Float64Array => {
  const v = randomMatrix(rand, n, k);
  return refGemm(v, v, n, k, n, false, true);
};

const diagonal = (values: ArrayLike<number>): Float64Array => {
  const n = values.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = values[i];
  return a;
};

/** Q diag(values) Q^T with Q a product of three random Householder reflectors (orthogonal to rounding). */
const rotatedDiagonal = (rand: () => number, values: ArrayLike<number>): Float64Array => {
  const n = values.length;
  let a = diagonal(values);
  for (let r = 0; r < 3; r++) {
    const u = randomMatrix(rand, n, 1);
    let uu = 0;
    for (let i = 0; i < n; i++) uu += u[i] * u[i];
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
    a = refGemm(refGemm(h, a, n, n, n, false, false), h, n, n, n, false, false);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = m;
      a[j * n + i] = m;
    }
  }
  return a;
};

/** Random symmetric R with |r_ij| spread over 10^(top - span (i + j) / (2 (n - 1))): a graded matrix. */
const graded = (rand: () => number, n: number, top: number, span: number): Float64Array => {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (rand() + (rand() < 0 ? -0.75 : 0.75)) * 10 ** (top - (span * (i + j)) / (2 * (n - 1)));
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
};

/**
 * SPEC's Theta = U D U^T (method/solver.ts): U the upper Cholesky factor of C + eps I for a PSD C of the given rank,
 * D = diag(I_h, -I_h). Built with the portable Cholesky so both backends see the same matrix.
 */
const specTheta = (rand: () => number, n: number, rank: number): Float64Array => {
  const c = lowRankPsd(rand, n, rank);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += c[i * n + i];
  for (let i = 0; i < n; i++) c[i * n + i] += (1e-10 * trace) / n;
  const u = portableBackend.cholesky(c, n);
  const ud = Float64Array.from(u);
  for (let i = 0; i < n; i++) for (let j = n >> 1; j < n; j++) ud[i * n + j] = -ud[i * n + j];
  const theta = refGemm(ud, u, n, n, n, false, true);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (theta[i * n + j] + theta[j * n + i]);
      theta[i * n + j] = m;
      theta[j * n + i] = m;
    }
  }
  return theta;
};

interface HardEighCase {
  name: string;
  n: number;
  a: () => Float64Array;
  /** the exact spectrum (any order), when the construction fixes it */
  spectrum?: () => number[];
}

const sumSquares = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
};

/**
 * Matrices that stalled the portable QL (rank deficiency, clusters of zero or repeated eigenvalues, extreme and
 * graded scales, near-identity kernels whose tiny off-diagonals underflow when squared).
 */
const hardEighCases: HardEighCase[] = [
  {
    name: "rank-1 v v^T, n=60",
    n: 60,
    a: () => lowRankPsd(makeRandom(601), 60, 1),
    spectrum: () => [sumSquares(randomMatrix(makeRandom(601), 60, 1)), ...new Array<number>(59).fill(0)],
  },
  { name: "rank-3 PSD, n=60", n: 60, a: () => lowRankPsd(makeRandom(603), 60, 3) },
  { name: "rank-40 PSD, n=150", n: 150, a: () => lowRankPsd(makeRandom(640), 150, 40) },
  {
    name: "all entries equal (0.7), n=60",
    n: 60,
    a: () => new Float64Array(60 * 60).fill(0.7),
    spectrum: () => [0.7 * 60, ...new Array<number>(59).fill(0)],
  },
  {
    name: "identity * 1e-300, n=40",
    n: 40,
    a: () => diagonal(new Array<number>(40).fill(1e-300)),
    spectrum: () => new Array<number>(40).fill(1e-300),
  },
  {
    name: "identity * 1e300, n=40",
    n: 40,
    a: () => diagonal(new Array<number>(40).fill(1e300)),
    spectrum: () => new Array<number>(40).fill(1e300),
  },
  {
    name: "identity + 1e-160 R (off-diagonals underflow when squared), n=100",
    n: 100,
    a: () => {
      const a = randomSymmetric(makeRandom(1160), 100).map((v) => 1e-160 * v);
      for (let i = 0; i < 100; i++) a[i * 100 + i] = 1;
      return a;
    },
    spectrum: () => new Array<number>(100).fill(1),
  },
  {
    name: "diag with many repeated values, n=60",
    n: 60,
    a: () => diagonal(Array.from({ length: 60 }, (_, i) => [2, -1, 0, 2, 1e-3][i % 5])),
    spectrum: () => Array.from({ length: 60 }, (_, i) => [2, -1, 0, 2, 1e-3][i % 5]),
  },
  {
    name: "Q diag(many repeated values) Q^T, n=60",
    n: 60,
    a: () => rotatedDiagonal(makeRandom(660), Array.from({ length: 60 }, (_, i) => [2, -1, 0, 2, 1e-3][i % 5])),
    spectrum: () => Array.from({ length: 60 }, (_, i) => [2, -1, 0, 2, 1e-3][i % 5]),
  },
  { name: "graded, entries 1e150 (top left) .. 1e-150, n=40", n: 40, a: () => graded(makeRandom(150), 40, 150, 300) },
  { name: "graded, entries 1e-150 (top left) .. 1e150, n=40", n: 40, a: () => graded(makeRandom(151), 40, -150, -300) },
  {
    name: "2x2 blocks [[c, b], [b, c]] with exactly equal diagonal, b from 1 to 1e-300, n=12",
    n: 12,
    a: () => {
      const a = new Float64Array(144);
      const bs = [1, 1e-8, 1e-17, 1e-100, 1e-300, 0];
      for (let p = 0; p < 6; p++) {
        const i = 2 * p;
        a[i * 12 + i] = 3;
        a[(i + 1) * 12 + i + 1] = 3;
        a[i * 12 + i + 1] = bs[p];
        a[(i + 1) * 12 + i] = bs[p];
      }
      return a;
    },
    spectrum: () => [1, 1e-8, 1e-17, 1e-100, 1e-300, 0].flatMap((v) => [3 - v, 3 + v]),
  },
  {
    name: "SPEC Theta = U D U^T, C + eps I = U^T U, C of rank 10, n=80",
    n: 80,
    a: () => specTheta(makeRandom(80), 80, 10),
  },
  { name: "SPEC Theta = U D U^T, C of rank 30, n=200", n: 200, a: () => specTheta(makeRandom(200), 200, 30) },
];

/** max_j ||A v_j - l_j v_j|| / max|A|, formed on A / max|A| so that scales like 1e+-300 neither overflow nor vanish. */
const scaledEighResidual = (a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number => {
  const s = Math.max(maxAbs(a), 1e-300);
  return eighResidual(a.map((v) => v / s), n, values.map((v) => v / s), vectors);
};

const allowNoNative = process.env.SPEC_BEAM_ALLOW_NO_NATIVE === "1";

const loadNative = (): LinalgBackend | undefined => {
  try {
    return getBackend("native");
  } catch (e) {
    if (allowNoNative) return undefined;
    throw e;
  }
};

const suites = [
  { label: "portable", load: (): LinalgBackend | undefined => portableBackend },
  { label: "native", load: loadNative },
];

for (const suite of suites) {
  describe(`linalg ${suite.label} backend`, function () {
    let b: LinalgBackend = portableBackend;
    before(function () {
      const got = suite.load();
      if (got === undefined) this.skip();
      else b = got;
    });

    it("reports its own name", () => {
      assert.equal(b.name, suite.label);
      assert.equal(backendInfo(b).name, suite.label);
    });

    describe("syrkAccumulate", () => {
      for (const d of SIZES) {
        for (const rows of [1, 5, 130, 257]) {
          it(`f64 d=${d} rows=${rows}: adds A^T A into the upper triangle only`, () => {
            const rand = makeRandom(d * 1000 + rows);
            const a = randomMatrix(rand, rows, d);
            const acc0 = randomMatrix(rand, d, d);
            const acc = Float64Array.from(acc0);
            b.syrkAccumulate(acc, a, rows, d);
            const g = refGram(a, rows, d);
            for (let i = 0; i < d; i++) {
              for (let j = 0; j < d; j++) {
                const idx = i * d + j;
                if (j < i) assert.equal(acc[idx], acc0[idx], `lower (${i}, ${j}) was written`);
                else if (!(Math.abs(acc[idx] - (acc0[idx] + g[idx])) <= 1e-12 * rows)) {
                  assert.fail(`(${i}, ${j}): ${acc[idx]} != ${acc0[idx] + g[idx]}`);
                }
              }
            }
          });
        }
        it(`f32 d=${d}: matches the f64 Gram of the same values to f32 rounding`, () => {
          const rand = makeRandom(d + 77);
          const rows = 300;
          const a = Float32Array.from(randomMatrix(rand, rows, d));
          const acc = new Float64Array(d * d);
          b.syrkAccumulate(acc, a, rows, d);
          const g = refGram(a, rows, d);
          for (let i = 0; i < d; i++) {
            for (let j = i; j < d; j++) {
              // f32 sums of `rows` products of magnitude <= 0.25: error well below rows * 0.25 * 1e-6.
              if (!(Math.abs(acc[i * d + j] - g[i * d + j]) <= rows * 0.25 * 1e-6)) {
                assert.fail(`(${i}, ${j}): ${acc[i * d + j]} != ${g[i * d + j]}`);
              }
            }
            for (let j = 0; j < i; j++) assert.equal(acc[i * d + j], 0);
          }
        });
      }
      it("two calls accumulate the sum of both Gram matrices", () => {
        const rand = makeRandom(5);
        const d = 9;
        const a1 = randomMatrix(rand, 40, d);
        const a2 = randomMatrix(rand, 23, d);
        const acc = new Float64Array(d * d);
        b.syrkAccumulate(acc, a1, 40, d);
        b.syrkAccumulate(acc, a2, 23, d);
        const g1 = refGram(a1, 40, d);
        const g2 = refGram(a2, 23, d);
        for (let i = 0; i < d; i++) {
          for (let j = i; j < d; j++) assert.ok(Math.abs(acc[i * d + j] - g1[i * d + j] - g2[i * d + j]) < 1e-12);
        }
      });
      it("rejects an accumulator that is too small, naming the sizes", () => {
        assert.throws(() => b.syrkAccumulate(new Float64Array(8), new Float64Array(9), 3, 3), /needs d\*d = 9/);
        assert.throws(() => b.syrkAccumulate(new Float64Array(9), new Float64Array(8), 3, 3), /needs rows\*d = 9/);
      });
    });

    describe("gemm", () => {
      const shapes = [[1, 1, 1], [3, 17, 1], [17, 3, 100], [100, 17, 3]];
      for (const s of shapes) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            it(`m=${s[0]} k=${s[1]} n=${s[2]} transA=${ta} transB=${tb}`, () => {
              const rand = makeRandom(s[0] * 31 + s[1] * 7 + s[2] + (ta ? 1000 : 0) + (tb ? 2000 : 0));
              const a = randomMatrix(rand, s[0], s[1]);
              const bm = randomMatrix(rand, s[1], s[2]);
              const c = b.gemm(a, bm, s[0], s[1], s[2], ta, tb);
              assertClose(c, refGemm(a, bm, s[0], s[1], s[2], ta, tb), 1e-13 * s[1], "C");
            });
          }
        }
      }
      it("defaults to no transposes", () => {
        const rand = makeRandom(11);
        const a = randomMatrix(rand, 4, 5);
        const bm = randomMatrix(rand, 5, 6);
        assertClose(b.gemm(a, bm, 4, 5, 6), refGemm(a, bm, 4, 5, 6, false, false), 1e-14, "C");
      });
    });

    describe("cholesky", () => {
      for (const n of SIZES) {
        it(`n=${n}: upper U with U^T U = A, reading only the upper triangle`, () => {
          const a = randomSpd(makeRandom(n + 3), n);
          const u = b.cholesky(withGarbageLower(a, n), n);
          for (let i = 0; i < n; i++) {
            assert.ok(u[i * n + i] > 0, `diagonal ${i} not positive`);
            for (let j = 0; j < i; j++) assert.equal(u[i * n + j], 0, `lower (${i}, ${j}) not zero`);
          }
          assertClose(refGemm(u, u, n, n, n, true, false), a, 1e-13, "U^T U");
        });
      }
      it("throws on a matrix that is not positive definite", () => {
        const n = 3;
        const a = new Float64Array([2, 1, 0, 1, 2, 3, 0, 3, 1]);  // det < 0
        assert.throws(() => b.cholesky(a, n), /not positive definite/);
        assert.throws(() => b.cholesky(new Float64Array([-1]), 1), /not positive definite/);
      });
    });

    describe("eigh", () => {
      for (const n of SIZES) {
        it(`n=${n}: ascending values, orthonormal vectors, small residual, upper triangle only`, () => {
          const a = randomSymmetric(makeRandom(n + 101), n);
          const r = b.eigh(withGarbageLower(a, n), n);
          assert.equal(r.values.length, n);
          assert.equal(r.vectors.length, n * n);
          for (let i = 1; i < n; i++) assert.ok(r.values[i - 1] <= r.values[i], `values not ascending at ${i}`);
          let trace = 0;
          let sum = 0;
          for (let i = 0; i < n; i++) {
            trace += a[i * n + i];
            sum += r.values[i];
          }
          assert.ok(Math.abs(trace - sum) < 1e-12 * n, `sum of eigenvalues ${sum} != trace ${trace}`);
          assertOrthonormalColumns(r.vectors, n, n, 1e-12);
          assert.ok(eighResidual(a, n, r.values, r.vectors) < 1e-12 * n);
        });
      }
      it("handles repeated eigenvalues and the zero matrix (orthonormal vectors, small residual)", () => {
        const n = 17;
        // I + u u^T: eigenvalue 1 with multiplicity n-1 and 1 + |u|^2 once.
        const u = randomMatrix(makeRandom(21), n, 1);
        const a = new Float64Array(n * n);
        let uu = 0;
        for (let i = 0; i < n; i++) {
          uu += u[i] * u[i];
          for (let j = 0; j < n; j++) a[i * n + j] = (i === j ? 1 : 0) + u[i] * u[j];
        }
        const r = b.eigh(a, n);
        const want = Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 + uu : 1));
        assertClose(r.values, want, 1e-13, "values");
        assertOrthonormalColumns(r.vectors, n, n, 1e-12);
        assert.ok(eighResidual(a, n, r.values, r.vectors) < 1e-12 * n);
        const z = b.eigh(new Float64Array(25), 5);
        assertClose(z.values, new Float64Array(5), 0, "zero matrix values");
        assertOrthonormalColumns(z.vectors, 5, 5, 1e-15);
      });
      it("recovers a known spectrum Q diag(l) Q^T", () => {
        const n = 17;
        // Q from the eigenvectors of an unrelated symmetric matrix, spectrum chosen here.
        const q = portableBackend.eigh(randomSymmetric(makeRandom(9), n), n).vectors;
        const l = Float64Array.from({ length: n }, (_, i) => (i - 5) * 1.5);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += q[i * n + k] * l[k] * q[j * n + k];
            a[i * n + j] = s;
          }
        }
        assertClose(b.eigh(a, n).values, l, 1e-13, "eigenvalues");
      });
    });

    describe("eigh on rank-deficient, repeated, extreme-scale and graded matrices", () => {
      for (const c of hardEighCases) {
        it(`${c.name}: residual <= 1e-10 max|A|, orthonormal vectors, the exact spectrum when known`, () => {
          const a = c.a();
          const n = c.n;
          const r = b.eigh(a, n);
          assert.equal(r.values.length, n);
          for (let i = 1; i < n; i++) assert.ok(r.values[i - 1] <= r.values[i], `values not ascending at ${i}`);
          assertOrthonormalColumns(r.vectors, n, n, 1e-12);
          const res = scaledEighResidual(a, n, r.values, r.vectors);
          assert.ok(res <= 1e-10, `residual ${res} max|A|`);
          if (c.spectrum !== undefined) {
            const want = Float64Array.from(c.spectrum()).sort();
            const tol = 1e-12 * maxAbs(a) * n;
            for (let i = 0; i < n; i++) {
              if (!(Math.abs(r.values[i] - want[i]) <= tol)) {
                assert.fail(`eigenvalue ${i} is ${r.values[i]}, expected ${want[i]} (tol ${tol})`);
              }
            }
          }
        });
      }
      it("eighRange on a rank-deficient Theta: the extreme pairs SPEC asks for, matching eigh", () => {
        const n = 200;
        const a = specTheta(makeRandom(200), n, 30);
        const full = b.eigh(a, n);
        const top = b.eighRange(a, n, n - 5, n - 1);
        const bottom = b.eighRange(a, n, 0, 4);
        assertClose(top.values, full.values.slice(n - 5), 1e-12, "top values");
        assertClose(bottom.values, full.values.slice(0, 5), 1e-12, "bottom values");
        assertOrthonormalColumns(top.vectors, n, 5, 1e-12);
        assertOrthonormalColumns(bottom.vectors, n, 5, 1e-12);
        assert.ok(scaledEighResidual(a, n, top.values, top.vectors) <= 1e-10);
        assert.ok(scaledEighResidual(a, n, bottom.values, bottom.vectors) <= 1e-10);
      });
    });

    describe("eighRange", () => {
      for (const n of SIZES) {
        const ranges = [[0, 0], [n - 1, n - 1], [0, Math.min(2, n - 1)], [Math.max(0, n - 4), n - 1],
          [Math.floor(n / 3), Math.floor((2 * n) / 3)]];
        for (const rg of ranges) {
          it(`n=${n} il=${rg[0]} iu=${rg[1]}: the matching slice of eigh`, () => {
            const a = randomSymmetric(makeRandom(n + 202), n);
            const full = b.eigh(a, n);
            const r = b.eighRange(withGarbageLower(a, n), n, rg[0], rg[1]);
            const k = rg[1] - rg[0] + 1;
            assertClose(r.values, full.values.slice(rg[0], rg[1] + 1), 1e-12, "values");
            const slice = new Float64Array(n * k);
            for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) slice[i * k + j] = full.vectors[i * n + rg[0] + j];
            assertSameColumnsUpToSign(r.vectors, slice, n, k, 1e-9);
            assert.ok(eighResidual(a, n, r.values, r.vectors) < 1e-12 * n);
          });
        }
      }
      it("rejects an index range outside 0..n-1", () => {
        const a = randomSymmetric(makeRandom(1), 4);
        assert.throws(() => b.eighRange(a, 4, 2, 4), /0 <= il <= iu < n = 4/);
        assert.throws(() => b.eighRange(a, 4, 3, 2), /0 <= il <= iu < n = 4/);
      });
    });

    describe("eig", () => {
      for (const n of SIZES) {
        it(`n=${n}: every (possibly complex) eigenpair satisfies A v = l v`, () => {
          const a = randomMatrix(makeRandom(n + 303), n, n);
          const r = b.eig(a, n);
          assert.equal(r.re.length, n);
          assert.equal(r.im.length, n);
          let sumRe = 0;
          let sumIm = 0;
          let trace = 0;
          for (let i = 0; i < n; i++) {
            sumRe += r.re[i];
            sumIm += r.im[i];
            trace += a[i * n + i];
          }
          assert.ok(Math.abs(sumRe - trace) < 1e-10 * n && Math.abs(sumIm) < 1e-10 * n, "trace");
          const v = r.vectors;
          for (let j = 0; j < n; j++) {
            // Complex pair (j, j+1): vector vr + i vi for l = re + i im, its conjugate is the next pair member.
            const complex = r.im[j] !== 0;
            if (complex) assert.ok(j + 1 < n && r.im[j + 1] === -r.im[j], `unpaired complex eigenvalue at ${j}`);
            let num = 0;
            let den = 0;
            for (let i = 0; i < n; i++) {
              let sr = 0;
              let si = 0;
              for (let p = 0; p < n; p++) {
                sr += a[i * n + p] * v[p * n + j];
                if (complex) si += a[i * n + p] * v[p * n + j + 1];
              }
              const vr = v[i * n + j];
              const vi = complex ? v[i * n + j + 1] : 0;
              const er = sr - (r.re[j] * vr - r.im[j] * vi);
              const ei = si - (r.re[j] * vi + r.im[j] * vr);
              num += er * er + ei * ei;
              den += vr * vr + vi * vi;
            }
            assert.ok(den > 0, `eigenvector ${j} is zero`);
            assert.ok(Math.sqrt(num / den) < 1e-10 * n, `residual ${Math.sqrt(num / den)} for eigenpair ${j}`);
            if (complex) j++;
          }
        });
      }
      it("finds +-i for a 2x2 rotation", () => {
        const r = b.eig(new Float64Array([0, -1, 1, 0]), 2);
        assertClose(Array.from(r.re), [0, 0], 1e-15, "re");
        assertClose(Array.from(r.im).sort((p, q) => p - q), [-1, 1], 1e-15, "im");
      });
    });

    describe("rffFeatures", () => {
      const cases = [
        { rows: 1, d: 1, m: 1 }, { rows: 3, d: 17, m: 3 }, { rows: 17, d: 3, m: 100 }, { rows: 300, d: 17, m: 17 },
      ];
      for (const c of cases) {
        for (const x32 of [false, true]) {
          for (const o32 of [false, true]) {
            it(`rows=${c.rows} d=${c.d} m=${c.m} x ${x32 ? "f32" : "f64"} out ${o32 ? "f32" : "f64"}`, () => {
              const rand = makeRandom(c.rows * 13 + c.d * 5 + c.m);
              const x64 = randomMatrix(rand, c.rows, c.d).map((v) => 4 * v);
              const x: Vec = x32 ? Float32Array.from(x64) : x64;
              const omega = randomMatrix(rand, c.d, c.m).map((v) => 6 * v);
              const out: Vec = o32 ? new Float32Array(c.rows * 2 * c.m) : new Float64Array(c.rows * 2 * c.m);
              b.rffFeatures(x, c.rows, c.d, omega, c.m, out);
              // The reference uses the same (f32-rounded) inputs; f64 outputs must match Math.cos/sin closely.
              assertClose(out, refRff(x, c.rows, c.d, omega, c.m), o32 ? 1e-7 : 1e-12, "features");
            });
          }
        }
      }
      it("matches Math.cos / Math.sin to 1e-12 on projections up to |z| ~ 100", () => {
        const rows = 64;
        const m = 257;
        const rand = makeRandom(4242);
        const x = randomMatrix(rand, rows, 1).map((v) => 200 * v);
        const omega = randomMatrix(rand, 1, m).map((v) => 2 * v + 1);
        const out = new Float64Array(rows * 2 * m);
        b.rffFeatures(x, rows, 1, omega, m, out);
        const s = Math.sqrt(m);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < m; j++) {
            const z = x[r] * omega[j];
            assert.ok(Math.abs(out[r * 2 * m + j] * s - Math.cos(z)) < 1e-12, `cos(${z})`);
            assert.ok(Math.abs(out[r * 2 * m + m + j] * s - Math.sin(z)) < 1e-12, `sin(${z})`);
          }
        }
      });
      it("rejects an output array that is too small", () => {
        assert.throws(() => b.rffFeatures(new Float64Array(6), 3, 2, new Float64Array(8), 4, new Float64Array(23)),
          /needs rows\*2m = 24/);
      });
    });
  });
}

describe("linalg native agrees with portable to rounding", function () {
  let native: LinalgBackend = portableBackend;
  const p = portableBackend;
  before(function () {
    const got = loadNative();
    if (got === undefined) this.skip();
    else native = got;
  });

  it("SYRK f64 to 1e-10 and f32 to 1e-5 relative (d=100, 1000 rows)", () => {
    const rand = makeRandom(77);
    const d = 100;
    const rows = 1000;
    const a = randomMatrix(rand, rows, d);
    const accP = new Float64Array(d * d);
    const accN = new Float64Array(d * d);
    p.syrkAccumulate(accP, a, rows, d);
    native.syrkAccumulate(accN, a, rows, d);
    assertClose(accN, accP, 1e-10, "f64");
    const a32 = Float32Array.from(a);
    const acc32 = new Float64Array(d * d);
    native.syrkAccumulate(acc32, a32, rows, d);
    assertClose(acc32, accP, 1e-5, "f32");
  });

  it("gemm, cholesky, eigh, eighRange and rff to 1e-10 (n=100)", () => {
    const rand = makeRandom(78);
    const n = 100;
    const a = randomMatrix(rand, n, n);
    const bm = randomMatrix(rand, n, n);
    assertClose(native.gemm(a, bm, n, n, n, true, false), p.gemm(a, bm, n, n, n, true, false), 1e-10, "gemm");
    const spd = randomSpd(rand, n);
    assertClose(native.cholesky(spd, n), p.cholesky(spd, n), 1e-10, "cholesky");
    const sym = randomSymmetric(rand, n);
    const en = native.eigh(sym, n);
    const ep = p.eigh(sym, n);
    assertClose(en.values, ep.values, 1e-10, "eigh values");
    assertSameColumnsUpToSign(en.vectors, ep.vectors, n, n, 1e-8);
    const rn = native.eighRange(sym, n, 90, 99);
    const rp = p.eighRange(sym, n, 90, 99);
    assertClose(rn.values, rp.values, 1e-10, "eighRange values");
    assertSameColumnsUpToSign(rn.vectors, rp.vectors, n, 10, 1e-8);
    const omega = randomMatrix(rand, n, 50);
    const on = new Float64Array(n * 100);
    const op = new Float64Array(n * 100);
    native.rffFeatures(a, n, n, omega, 50, on);
    p.rffFeatures(a, n, n, omega, 50, op);
    assertClose(on, op, 1e-10, "rff");
  });

  for (const c of hardEighCases) {
    it(`eigh values agree to 1e-10 max|A| on ${c.name}`, () => {
      const a = c.a();
      const vn = native.eigh(a, c.n).values;
      const vp = p.eigh(a, c.n).values;
      const tol = 1e-10 * maxAbs(a);
      for (let i = 0; i < c.n; i++) {
        if (!(Math.abs(vn[i] - vp[i]) <= tol)) assert.fail(`eigenvalue ${i}: native ${vn[i]}, portable ${vp[i]}`);
      }
    });
  }

  it("eig eigenvalues agree as a multiset", () => {
    const n = 17;
    const a = randomMatrix(makeRandom(79), n, n);
    const key = (re: Float64Array, im: Float64Array): number[][] =>
      Array.from(re, (v, i) => [v, im[i]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const kn = key(native.eig(a, n).re, native.eig(a, n).im);
    const kp = key(p.eig(a, n).re, p.eig(a, n).im);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(kn[i][0] - kp[i][0]) < 1e-10 && Math.abs(kn[i][1] - kp[i][1]) < 1e-10, `eigenvalue ${i}`);
    }
  });
});

describe("linalg getBackend", () => {
  it("returns the portable backend when asked", () => {
    assert.equal(getBackend("portable"), portableBackend);
  });
  it("rejects an unknown choice, naming it", () => {
    assert.throws(() => getBackend("gpu" as "auto"), /"gpu" is not one of auto, native, portable/);
  });
  it("lets SPEC_BEAM_BACKEND override auto", () => {
    const saved = process.env.SPEC_BEAM_BACKEND;
    try {
      process.env.SPEC_BEAM_BACKEND = "portable";
      assert.equal(getBackend("auto").name, "portable");
      process.env.SPEC_BEAM_BACKEND = "bogus";
      assert.throws(() => getBackend(), /SPEC_BEAM_BACKEND = "bogus"/);
    } finally {
      if (saved === undefined) delete process.env.SPEC_BEAM_BACKEND;
      else process.env.SPEC_BEAM_BACKEND = saved;
    }
  });
  it("setThreads changes the OpenBLAS thread count and rejects n < 1", function () {
    const nb = loadNative();
    if (nb === undefined) this.skip();
    else {
      const before = backendInfo(nb).threads ?? 1;
      try {
        setThreads(1);
        assert.equal(backendInfo(nb).threads, 1);
      } finally {
        setThreads(before);
      }
      assert.equal(backendInfo(nb).threads, before);
      assert.throws(() => setThreads(0), /must be a positive integer/);
    }
  });
  it("reports OpenBLAS details for the native backend", function () {
    const nb = loadNative();
    if (nb === undefined) this.skip();
    else {
      const info = backendInfo(nb);
      assert.match(info.openblasConfig ?? "", /OpenBLAS/);
      assert.ok((info.openblasCoreType ?? "").length > 0);
      assert.ok((info.threads ?? 0) >= 1);
    }
  });
});
