// SPEC-diff, diagnostics, the automatic bandwidth and the solver's input checks.
import assert from "node:assert/strict";
import { getBackend } from "../linalg/index";
import { Prng } from "../method/prng";
import { specDiff } from "../method/specdiff";
import { specDiagnostics } from "../method/diagnostics";
import { autoSigma } from "../method/bandwidth";
import { solveSpec } from "../method/solver";
import { clustered, randn } from "./method-fixtures";

const backend = getBackend("portable");

describe("method/specdiff: SPEC-diff", () => {
  it("two-sided = spectral radius, one-sided = lambda_max and -lambda_min, clamped at 0", () => {
    assert.deepEqual(specDiff([0.3, 0.1, -0.5]), { twoSided: 0.5, xMinusY: 0.3, yMinusX: 0.5 });
    assert.deepEqual(specDiff(new Float64Array([0.7, -0.2])), { twoSided: 0.7, xMinusY: 0.7, yMinusX: 0.2 });
    assert.deepEqual(specDiff([-0.1, -0.4]), { twoSided: 0.4, xMinusY: 0, yMinusX: 0.4 });
    assert.deepEqual(specDiff([0.2, 0.1]), { twoSided: 0.2, xMinusY: 0.2, yMinusX: 0 });
    assert.throws(() => specDiff([]), /no eigenvalues/);
    assert.throws(() => specDiff([0.1, Number.NaN]), /not finite/);
  });
});

describe("method/diagnostics", () => {
  it("top eigenvalues of C_XX and C_YY are those of the diagonal blocks; trace(Gamma) = tr C_XX - eta tr C_YY", () => {
    const DX = 5;
    const DY = 4;
    const M = DX + DY;
    const A = randn(new Prng(1, "A"), 30, M);
    const C = backend.gemm(A, A, M, 30, M, true, false);
    const diag = specDiagnostics(backend, C, DX, DY, 2, 3);
    const blockEig = (off: number, d: number): Float64Array => {
      const B = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) B[i * d + j] = C[(off + i) * M + off + j];
      return backend.eigh(B, d).values.slice().reverse().slice(0, 3);
    };
    const ex = blockEig(0, DX);
    const ey = blockEig(DX, DY);
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(diag.topXX[i] - ex[i]) < 1e-10);
      assert.ok(Math.abs(diag.topYY[i] - ey[i]) < 1e-10);
    }
    let tx = 0;
    let ty = 0;
    for (let i = 0; i < DX; i++) tx += C[i * M + i];
    for (let i = DX; i < M; i++) ty += C[i * M + i];
    assert.ok(Math.abs(diag.traceGamma - (tx - 2 * ty)) < 1e-10);
    assert.equal(diag.traceExpected, -1);
    assert.ok(Math.abs(diag.traceError - Math.abs(tx - 2 * ty + 1)) < 1e-10);
  });
});

describe("method/bandwidth: autoSigma", () => {
  const n = 70;
  const d = 6;
  const x = clustered(3, n, d, 3, 2, 1).x;
  const medianDistance = (rows: number[]): number => {
    const ds: number[] = [];
    for (let a = 0; a < rows.length; a++) {
      for (let b = a + 1; b < rows.length; b++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (x[rows[a] * d + t] - x[rows[b] * d + t]) ** 2;
        ds.push(Math.sqrt(s));
      }
    }
    ds.sort((p, q) => p - q);
    const h = ds.length >> 1;
    return ds.length % 2 ? ds[h] : (ds[h - 1] + ds[h]) / 2;
  };

  it("is half the median pairwise distance when all rows are used", () => {
    const all = Array.from({ length: n }, (_, i) => i);
    const s = autoSigma(x, n, d, { seed: 1 });
    assert.ok(Math.abs(s - 0.5 * medianDistance(all)) < 1e-12, `${s}`);
    assert.ok(Math.abs(autoSigma(x, n, d, { seed: 1, scale: 1 }) - medianDistance(all)) < 1e-12);
  });

  it("subsamples maxRows rows reproducibly from the seed; scales with the data; ignores translation", () => {
    const a = autoSigma(x, n, d, { seed: 4, maxRows: 20 });
    assert.equal(autoSigma(x, n, d, { seed: 4, maxRows: 20 }), a);
    assert.notEqual(autoSigma(x, n, d, { seed: 5, maxRows: 20 }), a);
    const full = autoSigma(x, n, d, { seed: 4 });
    assert.ok(Math.abs(a / full - 1) < 0.3, `subsample ${a} vs all rows ${full}`);
    const scaled = x.map((v) => 3 * v);
    assert.ok(Math.abs(autoSigma(scaled, n, d, { seed: 4, maxRows: 20 }) - 3 * a) < 1e-12);
    const moved = x.map((v, i) => v + (i % d));
    assert.ok(Math.abs(autoSigma(moved, n, d, { seed: 4, maxRows: 20 }) - a) < 1e-12);
  });

  it("refuses fewer than 2 rows, all-duplicate rows and non-finite values", () => {
    assert.throws(() => autoSigma(x, 1, d, { seed: 1 }), /at least 2 rows/);
    assert.throws(() => autoSigma(new Float64Array(5 * d).fill(2), 5, d, { seed: 1 }), /median pairwise distance/);
    const bad = x.slice();
    bad[7] = Number.POSITIVE_INFINITY;
    assert.throws(() => autoSigma(bad, n, d, { seed: 1 }), /row 1, column 1: non-finite value Infinity/);
  });
});

describe("method/solver: input checks", () => {
  it("rejects a mis-sized C or colSum, eta <= 0, k < 1 and an unknown method, naming the input", () => {
    const base = { C: new Float64Array(16), n: 3, colSum: new Float64Array(4), DX: 2, DY: 2, eta: 1,
      method: "cholesky" as const, k: 1 };
    assert.throws(() => solveSpec(backend, { ...base, C: new Float64Array(15) }), /C has 15 values/);
    assert.throws(() => solveSpec(backend, { ...base, colSum: new Float64Array(3) }), /colSum/);
    assert.throws(() => solveSpec(backend, { ...base, eta: 0 }), /eta/);
    assert.throws(() => solveSpec(backend, { ...base, k: 0 }), /k must be/);
    assert.throws(() => solveSpec(backend, { ...base, method: "qr" as unknown as "direct" }), /unknown method/);
    assert.throws(() => solveSpec(backend, base), /trace of C/);
  });
});
