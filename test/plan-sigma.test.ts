// The plan-time bandwidth (pipelines/compare.ts gramSigma) must follow method/bandwidth.ts autoSigma exactly up to
// rounding: same subsample, same median rule, same errors; it only takes the distances from one GEMM.
import assert from "node:assert/strict";
import { autoSigma } from "../method/bandwidth";
import { gramSigma } from "../pipelines/resolve-model";

const seeded = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
};

describe("plan: gramSigma = autoSigma", () => {
  for (const backend of ["portable", "native"] as const) {
    for (const c of [{ rows: 300, d: 40, max: 1000 }, { rows: 301, d: 17, max: 120 }, { rows: 2, d: 3, max: 10 }]) {
      it(`${backend}: rows=${c.rows} d=${c.d} maxRows=${c.max}`, () => {
        const rand = seeded(c.rows * 31 + c.d);
        const x = new Float64Array(c.rows * c.d);
        // clustered, offset from the origin: norms larger than distances, the case where a Gram loses digits
        for (let i = 0; i < c.rows; i++) for (let t = 0; t < c.d; t++) x[i * c.d + t] = 5 + (i % 4) + rand();
        const ref = autoSigma(x, c.rows, c.d, { maxRows: c.max, seed: 9 });
        const got = gramSigma(backend, x, c.rows, c.d, c.max, 9);
        assert.ok(Math.abs(got - ref) <= 1e-12 * ref, `${got} vs ${ref}`);
      });
    }
  }
  it("names a non-finite value and refuses a zero median like autoSigma", () => {
    const x = new Float64Array(12).fill(1);
    x[7] = NaN;
    assert.throws(() => gramSigma("portable", x, 4, 3, 1000, 1), /row 2, column 1: non-finite value NaN/);
    assert.throws(() => gramSigma("portable", new Float64Array(12).fill(2), 4, 3, 1000, 1), /median pairwise distance of 4 sampled rows is 0/);
    assert.throws(() => gramSigma("portable", new Float64Array(3), 1, 3, 1000, 1), /at least 2 rows/);
  });
});
