// The oracles of docs/method.md section 8, each one `it`, run on every linear-algebra backend.
import assert from "node:assert/strict";
import type { LinalgBackend } from "../linalg/backend";
import { Prng } from "../method/prng";
import { makeFeatureMap } from "../method/features";
import { GramAccumulator, covariance } from "../method/gram";
import { specDiagnostics } from "../method/diagnostics";
import { exactLambda, exactSpec, kernelMatrix } from "../method/exact";
import { alignLinearStep, eigenvalueGradientVy, gammaMinibatch, normalizeRows, powerIteration } from "../method/align";
import { solveSpec } from "../method/solver";
import type { SpecSolution } from "../method/solver";
import {
  allowNoNative, backendCases, buildPhi, clustered, column, eigenResidual, eigvalsDescending, lambdaFromPhi,
  makeMaps, maxAbsDiff, norm2, paddedDescending, randn, scoresOf, solveProblem, sum,
} from "./method-fixtures";
import type { Problem } from "./method-fixtures";

const ETAS = [0.5, 1, 2];

// Two embeddings of the same 60 samples with different cluster structure: X has 4 clusters, Y has 3.
const N = 60;
const DX = 6;
const DY = 9;
const X = clustered(11, N, DX, 4, 3, 1).x;
const Y = clustered(12, N, DY, 3, 3, 1).x;
const SIGMA_X = 3;
const SIGMA_Y = 3.5;

/** min(||a - b||, ||a + b||): eigenvectors agree up to sign. */
const distUpToSign = (a: Float64Array, b: Float64Array): number => {
  let dm = 0;
  let dp = 0;
  for (let i = 0; i < a.length; i++) {
    dm += (a[i] - b[i]) ** 2;
    dp += (a[i] + b[i]) ** 2;
  }
  return Math.sqrt(Math.min(dm, dp));
};

/** True when values[j] is separated from every other entry of the (descending) spectrum by more than gap. */
const isolated = (spectrum: Float64Array, value: number, gap: number): boolean => {
  let close = 0;
  for (let i = 0; i < spectrum.length; i++) if (Math.abs(spectrum[i] - value) <= gap) close++;
  return close === 1;
};

/** Deterministic random orthogonal d x d matrix (modified Gram-Schmidt on Gaussian columns). */
const randomRotation = (seed: number, d: number): Float64Array => {
  const rng = new Prng(seed, "rotation");
  const A = randn(rng, d, d);
  for (let j = 0; j < d; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += A[i * d + j] * A[i * d + p];
      for (let i = 0; i < d; i++) A[i * d + j] -= dot * A[i * d + p];
    }
    let nn = 0;
    for (let i = 0; i < d; i++) nn += A[i * d + j] ** 2;
    const inv = 1 / Math.sqrt(nn);
    for (let i = 0; i < d; i++) A[i * d + j] *= inv;
  }
  return A;
};

const matmul = (A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array => {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t];
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[t * n + j];
    }
  }
  return C;
};

/** The cholesky path forced onto its extremes-only branch (two eighRange calls), used for very large M. */
const solveProblemExtremes = (backend: LinalgBackend, p: Problem, eta: number, k: number): SpecSolution => {
  const acc = new GramAccumulator(p.M);
  acc.addBlock(backend, p.phi, p.n);
  return solveSpec(backend, {
    C: covariance(acc), n: acc.n, colSum: acc.colSum, DX: p.fx.dim, DY: p.fy.dim, eta: eta, method: "cholesky",
    k: k, fullSpectrumMaxM: 10,
  });
};

for (const bc of backendCases) {
  describe(`SPEC oracles (docs/method.md section 8) on the ${bc.label} backend`, function () {
    const ctx: { b?: LinalgBackend; gauss?: Problem; tall?: Problem } = {};
    const be = (): LinalgBackend => ctx.b as LinalgBackend;
    const gauss = (): Problem => ctx.gauss as Problem;
    const tall = (): Problem => ctx.tall as Problem;

    before(function () {
      try {
        ctx.b = bc.load();
      } catch (e) {
        if (bc.label === "native" && allowNoNative()) {
          this.skip();
          return;
        }
        throw e;
      }
      // M = 2 * (40 + 30) = 140 > n = 60: Gamma has M - n zero eigenvalues.
      const fx = makeFeatureMap({ kernel: "gaussian", d: DX, m: 40, sigma: SIGMA_X, seed: 7, stream: "x" });
      const fy = makeFeatureMap({ kernel: "gaussian", d: DY, m: 30, sigma: SIGMA_Y, seed: 7, stream: "y" });
      ctx.gauss = buildPhi(be(), fx, fy, X, Y, N);
      // M = 2 * (20 + 15) = 70 < n = 150: Lambda has n - M zero eigenvalues.
      const tx = clustered(21, 150, DX, 5, 3, 1).x;
      const ty = clustered(22, 150, DY, 2, 3, 1).x;
      const gx = makeFeatureMap({ kernel: "gaussian", d: DX, m: 20, sigma: SIGMA_X, seed: 8, stream: "x" });
      const gy = makeFeatureMap({ kernel: "gaussian", d: DY, m: 15, sigma: SIGMA_Y, seed: 8, stream: "y" });
      ctx.tall = buildPhi(be(), gx, gy, tx, ty, 150);
    });

    it("O1 nonzero eig(Gamma) = nonzero eig of (1/n)(Phi_X Phi_X^T - eta Phi_Y Phi_Y^T), eta in {0.5, 1, 2}", () => {
      for (const p of [gauss(), tall()]) {
        for (const eta of ETAS) {
          const sol = solveProblem(be(), p, eta, "cholesky", 3);
          assert.equal(sol.spectrumComplete, true);
          assert.equal(sol.spectrum.length, p.M);
          const len = Math.max(p.M, p.n);
          const ref = paddedDescending(eigvalsDescending(be(), lambdaFromPhi(p, eta), p.n), len);
          const got = paddedDescending(sol.spectrum, len);
          const err = maxAbsDiff(got, ref);
          assert.ok(err < 1e-9, `M=${p.M} n=${p.n} eta=${eta}: max eigenvalue difference ${err}`);
          assert.ok(ref[0] > 0.05 && ref[len - 1] < -0.02, "the test data must have a nontrivial spectrum");
        }
      }
    });

    it("O2 cholesky eigenvalues = direct eigenvalues, and the same scores", () => {
      for (const eta of ETAS) {
        const p = gauss();
        const k = 4;
        const c = solveProblem(be(), p, eta, "cholesky", k);
        const d = solveProblem(be(), p, eta, "direct", k);
        const err = maxAbsDiff(c.spectrum, d.spectrum);
        assert.ok(err < 1e-9, `eta=${eta}: spectra differ by ${err}`);
        assert.ok(maxAbsDiff(c.positive.values, d.positive.values) < 1e-12);
        assert.ok(maxAbsDiff(c.negative.values, d.negative.values) < 1e-12);
        const uc = scoresOf(be(), p, c.positive.vectors, k);
        const ud = scoresOf(be(), p, d.positive.vectors, k);
        const lc = scoresOf(be(), p, c.negative.vectors, k);
        const ld = scoresOf(be(), p, d.negative.vectors, k);
        let compared = 0;
        for (let j = 0; j < k; j++) {
          if (isolated(c.spectrum, c.positive.values[j], 1e-3)) {
            const dist = distUpToSign(column(uc, p.n, k, j), column(ud, p.n, k, j));
            assert.ok(dist < 1e-7, `eta=${eta} mode +${j + 1}: score vectors differ by ${dist}`);
            compared++;
          }
          if (isolated(c.spectrum, c.negative.values[j], 1e-3)) {
            const dist = distUpToSign(column(lc, p.n, k, j), column(ld, p.n, k, j));
            assert.ok(dist < 1e-7, `eta=${eta} mode -${j + 1}: score vectors differ by ${dist}`);
            compared++;
          }
        }
        assert.ok(compared >= 4, `only ${compared} isolated modes to compare`);
      }
    });

    it("O3 scores are unit eigenvectors of Lambda with sum >= 0 (eta = 0.5, 1, 2; cholesky, direct, extremes)", () => {
      for (const p of [gauss(), tall()]) {
        for (const eta of ETAS) {
          const L = lambdaFromPhi(p, eta);
          for (const variant of ["cholesky", "direct", "extremes"]) {
            const k = 5;
            const sol: SpecSolution = variant === "extremes"
              ? solveProblemExtremes(be(), p, eta, k)
              : solveProblem(be(), p, eta, variant === "direct" ? "direct" : "cholesky", k);
            if (variant === "extremes") assert.equal(sol.spectrumComplete, false);
            for (const side of [sol.positive, sol.negative]) {
              const u = scoresOf(be(), p, side.vectors, k);
              assert.deepEqual(side.nullModes, []);
              for (let j = 0; j < k; j++) {
                const uj = column(u, p.n, k, j);
                const res = eigenResidual(L, p.n, uj, side.values[j]);
                const where = `M=${p.M} eta=${eta} ${variant} mode ${j}`;
                assert.ok(res < 1e-9, `${where}: ||Lambda u - lambda u|| / ||u|| = ${res}`);
                assert.ok(Math.abs(norm2(uj) - 1) < 1e-9, `${where}: ||u|| = ${norm2(uj)}`);
                assert.ok(sum(uj) >= -1e-12, `${where}: sum of scores ${sum(uj)} < 0`);
              }
            }
          }
        }
      }
    });

    it("O4 identical embeddings, eta = 1: zero spectrum (exact kernel; RFF with shared omegas)", () => {
      const ex = exactSpec(be(), X, X, N, DX, DX, { kernel: "gaussian", sigma: SIGMA_X },
        { kernel: "gaussian", sigma: SIGMA_X }, 1);
      assert.ok(maxAbsDiff(ex.values, new Float64Array(N)) === 0, "exact Lambda of identical kernels must be 0");
      const shared = makeMaps("gaussian", DX, DX, 80, SIGMA_X, SIGMA_X, 5, true);
      const p = buildPhi(be(), shared.fx, shared.fy, X, X, N);
      for (const method of ["cholesky", "direct"] as const) {
        const sol = solveProblem(be(), p, 1, method, 3);
        const refined = Math.max(maxAbsDiff(sol.positive.values, new Float64Array(3)),
          maxAbsDiff(sol.negative.values, new Float64Array(3)));
        // Gamma is nilpotent here (C D C = 0): the cholesky shift eps splits its zero eigenvalues into
        // +-sqrt(2 a eps) ~ 1e-7 in `spectrum`, but the refined values of the selected modes are exact. The general
        // eigensolver meets Jordan blocks: its eigenvalues are ~sqrt(machine eps) and its eigenvectors lie in the
        // null space of C (scores 0, reported as null modes, values unrefined).
        const tol = method === "cholesky" ? 1e-13 : 1e-8;
        assert.ok(refined < tol, `${method}: extreme eigenvalues ${refined}`);
        if (method === "direct") assert.equal(sol.positive.nullModes.length + sol.negative.nullModes.length, 6);
        assert.ok(maxAbsDiff(sol.spectrum, new Float64Array(sol.spectrum.length)) < 1e-5, `${method} spectrum`);
      }
      const indep = makeMaps("gaussian", DX, DX, 80, SIGMA_X, SIGMA_X, 5, false);
      const q = buildPhi(be(), indep.fx, indep.fy, X, X, N);
      const solq = solveProblem(be(), q, 1, "cholesky", 3);
      assert.ok(solq.positive.values[0] > 1e-2, "independent omegas must give O(1/sqrt(m)) noise, not 0");
    });

    it("O5 unit-diagonal kernels: eigenvalues in [-eta, 1] and trace(Gamma) = 1 - eta", () => {
      const cx = makeFeatureMap({ kernel: "cosine", d: DX, seed: 1, stream: "x" });
      const cy = makeFeatureMap({ kernel: "cosine", d: DY, seed: 1, stream: "y" });
      const cos = buildPhi(be(), cx, cy, X, Y, N);
      for (const p of [gauss(), tall(), cos]) {
        for (const eta of ETAS) {
          const sol = solveProblem(be(), p, eta, "cholesky", 2);
          const acc = new GramAccumulator(p.M);
          acc.addBlock(be(), p.phi, p.n);
          const diag = specDiagnostics(be(), covariance(acc), p.fx.dim, p.fy.dim, eta, 3);
          assert.ok(diag.traceError < 1e-12, `trace(Gamma) = ${diag.traceGamma}, expected ${1 - eta}`);
          assert.ok(Math.abs(sum(sol.spectrum) - (1 - eta)) < 1e-8, `sum of eigenvalues ${sum(sol.spectrum)}`);
          assert.ok(sol.spectrum[0] <= 1 + 1e-9 && sol.spectrum[sol.spectrum.length - 1] >= -eta - 1e-9,
            `eta=${eta}: spectrum range [${sol.spectrum[sol.spectrum.length - 1]}, ${sol.spectrum[0]}]`);
        }
      }
    });

    it("O6 swapping X and Y with eta = 1 negates the spectrum and exchanges the modes", () => {
      const p = gauss();
      const q = buildPhi(be(), p.fy, p.fx, Y, X, N);
      const k = 4;
      const a = solveProblem(be(), p, 1, "cholesky", k);
      const b = solveProblem(be(), q, 1, "cholesky", k);
      const negRev = new Float64Array(b.spectrum.length);
      for (let i = 0; i < negRev.length; i++) negRev[i] = -b.spectrum[b.spectrum.length - 1 - i];
      const err = maxAbsDiff(a.spectrum, negRev);
      assert.ok(err < 1e-9, `spectrum(Y, X) != -spectrum(X, Y): ${err}`);
      const ua = scoresOf(be(), p, a.positive.vectors, k);
      const ub = scoresOf(be(), q, b.negative.vectors, k);
      for (let j = 0; j < k; j++) {
        assert.ok(Math.abs(a.positive.values[j] + b.negative.values[j]) < 1e-12);
        if (isolated(a.spectrum, a.positive.values[j], 1e-3)) {
          const dist = distUpToSign(column(ua, N, k, j), column(ub, N, k, j));
          assert.ok(dist < 1e-8, `mode +${j + 1} of (X, Y) vs mode -${j + 1} of (Y, X): ${dist}`);
        }
      }
    });

    it("O7 sum of lambda^2 = ||Lambda||_F^2", () => {
      for (const p of [gauss(), tall()]) {
        for (const eta of ETAS) {
          const sol = solveProblem(be(), p, eta, "cholesky", 1);
          let s2 = 0;
          for (const v of sol.spectrum) s2 += v * v;
          const L = lambdaFromPhi(p, eta);
          let f2 = 0;
          for (const v of L) f2 += v * v;
          assert.ok(Math.abs(s2 - f2) < 1e-9 * f2, `eta=${eta}: sum lambda^2 = ${s2}, ||Lambda||_F^2 = ${f2}`);
        }
      }
    });

    it("O8 planted toy: X separates A from B, Y merges them: spectrum {+|A|/n, -|A|/n, 0...}, the right modes", () => {
      // 30 samples in A, 30 in B, 60 in three clusters R1..R3 that both embeddings see the same way.
      const n = 120;
      const d = 5;
      const group = (i: number): number => (i < 30 ? 0 : i < 60 ? 1 : 2 + (i % 3));
      // cosine kernel on exact directions: the block structure is exact.
      const cx = new Float64Array(n * d);
      const cy = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const g = group(i);
        cx[i * d + g] = 1 + (i % 7);
        cy[i * d + (g === 1 ? 0 : g)] = 2 + (i % 5);
      }
      const fcx = makeFeatureMap({ kernel: "cosine", d: d, seed: 1, stream: "x" });
      const fcy = makeFeatureMap({ kernel: "cosine", d: d, seed: 1, stream: "y" });
      const pc = buildPhi(be(), fcx, fcy, cx, cy, n);
      const sc = solveProblem(be(), pc, 1, "cholesky", 1);
      const ac = 30 / n;
      assert.ok(Math.abs(sc.positive.values[0] - ac) < 1e-10, `lambda_max = ${sc.positive.values[0]}`);
      assert.ok(Math.abs(sc.negative.values[0] + ac) < 1e-10, `lambda_min = ${sc.negative.values[0]}`);
      // the rest of the spectrum is 0 up to the sqrt(eps) splitting of the cholesky shift (R is seen identically)
      for (let i = 1; i < sc.spectrum.length - 1; i++) assert.ok(Math.abs(sc.spectrum[i]) < 1e-5, `${sc.spectrum[i]}`);
      const up = scoresOf(be(), pc, sc.positive.vectors, 1);
      const un = scoresOf(be(), pc, sc.negative.vectors, 1);
      const unit = 1 / Math.sqrt(60);
      for (let i = 0; i < n; i++) {
        const g = group(i);
        const sgn = Math.sign(up[0]);
        const expectPos = g === 0 ? sgn * unit : g === 1 ? -sgn * unit : 0;
        assert.ok(Math.abs(up[i] - expectPos) < 1e-8, `positive mode, sample ${i}: ${up[i]} vs ${expectPos}`);
        const expectNeg = g <= 1 ? unit : 0;
        assert.ok(Math.abs(un[i] - expectNeg) < 1e-8, `negative mode, sample ${i}: ${un[i]} vs ${expectNeg}`);
      }

      // Gaussian kernel with RFF on noisy clusters: the same picture up to RFF noise.
      const rng = new Prng(3, "planted");
      const centres = randn(rng, 5, d);
      const gx = new Float64Array(n * d);
      const gy = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const g = group(i);
        for (let t = 0; t < d; t++) {
          gx[i * d + t] = 10 * centres[g * d + t] + 0.1 * rng.normal();
          gy[i * d + t] = 10 * centres[(g === 1 ? 0 : g) * d + t] + 0.1 * rng.normal();
        }
      }
      const maps = makeMaps("gaussian", d, d, 100, 2, 2, 9);
      const pg = buildPhi(be(), maps.fx, maps.fy, gx, gy, n);
      const sg = solveProblem(be(), pg, 1, "cholesky", 2);
      assert.ok(Math.abs(sg.positive.values[0] - ac) < 0.03, `RFF lambda_max = ${sg.positive.values[0]}`);
      assert.ok(Math.abs(sg.negative.values[0] + ac) < 0.03, `RFF lambda_min = ${sg.negative.values[0]}`);
      assert.ok(sg.positive.values[1] < 0.06 && sg.negative.values[1] > -0.06, "the other eigenvalues are noise");
      const gp = scoresOf(be(), pg, sg.positive.vectors, 2);
      const gn = scoresOf(be(), pg, sg.negative.vectors, 2);
      const sA = Math.sign(gp[0]);
      let minAB = Infinity;
      let maxR = 0;
      for (let i = 0; i < n; i++) {
        const g = group(i);
        const s = gp[i * 2];
        if (g === 0) assert.ok(Math.sign(s) === sA, `A sample ${i} on the wrong side`);
        if (g === 1) assert.ok(Math.sign(s) === -sA, `B sample ${i} on the wrong side`);
        if (g <= 1) minAB = Math.min(minAB, Math.abs(s));
        else maxR = Math.max(maxR, Math.abs(s));
      }
      assert.ok(maxR < 0.3 * minAB, `positive mode: rest scores up to ${maxR}, A/B scores down to ${minAB}`);
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => gn[b * 2] - gn[a * 2]);
      for (let r = 0; r < 60; r++) assert.ok(group(order[r]) <= 1, `negative mode top-60 includes sample ${order[r]}`);
    });

    it("O9 RFF vs exact: ||Lambda_RFF - Lambda||_F ~ 1/sqrt(m) (m = 100, 400, 1600)", () => {
      const n = 100;
      const x = clustered(31, n, DX, 4, 2, 1).x;
      const y = clustered(32, n, DX, 3, 2, 1).x;
      const exact = exactLambda(x, y, n, DX, DX, { kernel: "gaussian", sigma: 3 }, { kernel: "gaussian", sigma: 3 }, 1);
      const errs: number[] = [];
      for (const m of [100, 400, 1600]) {
        let e2 = 0;
        const seeds = [1, 2, 3];
        for (const seed of seeds) {
          const maps = makeMaps("gaussian", DX, DX, m, 3, 3, seed);
          const L = lambdaFromPhi(buildPhi(be(), maps.fx, maps.fy, x, y, n), 1);
          let f = 0;
          for (let i = 0; i < n * n; i++) f += (L[i] - exact[i]) ** 2;
          e2 += f;
        }
        const err = Math.sqrt(e2 / seeds.length);
        errs.push(err);
        assert.ok(err * Math.sqrt(m) > 0.4 && err * Math.sqrt(m) < 1.6,
          `m=${m}: ||Lambda_RFF - Lambda||_F = ${err}, sqrt(m) * err = ${err * Math.sqrt(m)}`);
      }
      assert.ok(errs[0] / errs[1] > 1.6 && errs[0] / errs[1] < 2.5, `error ratio m=100/400: ${errs[0] / errs[1]}`);
      assert.ok(errs[1] / errs[2] > 1.6 && errs[1] / errs[2] < 2.5, `error ratio m=400/1600: ${errs[1] / errs[2]}`);
    });

    it("O10 cosine kernel: the feature path equals the exact n x n path to rounding", () => {
      const fx = makeFeatureMap({ kernel: "cosine", d: DX, seed: 1, stream: "x" });
      const fy = makeFeatureMap({ kernel: "cosine", d: DY, seed: 1, stream: "y" });
      const p = buildPhi(be(), fx, fy, X, Y, N);
      for (const eta of ETAS) {
        const k = 4;
        const sol = solveProblem(be(), p, eta, "cholesky", k);
        const ex = exactSpec(be(), X, Y, N, DX, DY, { kernel: "cosine" }, { kernel: "cosine" }, eta);
        const len = Math.max(p.M, N);
        // `spectrum` carries the O(eps) shift of the cholesky regulariser; the refined extremes are exact.
        const err = maxAbsDiff(paddedDescending(sol.spectrum, len), paddedDescending(ex.values, len));
        assert.ok(err < 10 * sol.eps, `eta=${eta}: eigenvalues differ by ${err} (eps ${sol.eps})`);
        for (let j = 0; j < k; j++) {
          const ep = Math.abs(sol.positive.values[j] - ex.values[j]);
          const en = Math.abs(sol.negative.values[j] - ex.values[N - 1 - j]);
          assert.ok(ep < 1e-13 && en < 1e-13, `eta=${eta} mode ${j + 1}: refined eigenvalues off by ${ep}, ${en}`);
        }
        const u = scoresOf(be(), p, sol.positive.vectors, k);
        const w = scoresOf(be(), p, sol.negative.vectors, k);
        let compared = 0;
        for (let j = 0; j < k; j++) {
          if (isolated(ex.values, ex.values[j], 1e-3)) {
            const dist = distUpToSign(column(u, N, k, j), column(ex.vectors, N, N, j));
            assert.ok(dist < 1e-9, `eta=${eta} mode +${j + 1}: scores vs exact eigenvector ${dist}`);
            compared++;
          }
          if (isolated(ex.values, ex.values[N - 1 - j], 1e-3)) {
            const dist = distUpToSign(column(w, N, k, j), column(ex.vectors, N, N, N - 1 - j));
            assert.ok(dist < 1e-9, `eta=${eta} mode -${j + 1}: scores vs exact eigenvector ${dist}`);
            compared++;
          }
        }
        assert.ok(compared >= 4, `only ${compared} isolated modes`);
      }
    });

    it("O11 power iteration returns the spectral radius; the eigenvalue gradient matches finite differences", () => {
      const b = 40;
      const dx = 8;
      const dyIn = 6;
      const dy = 5;
      const xa = clustered(41, b, dx, 3, 2, 1).x;
      const ya = clustered(42, b, dyIn, 5, 2, 1).x;
      const W = randn(new Prng(43, "W"), dyIn, dy);
      // the reference value: the eigenvalue of largest |.| of the b x b (1/b)(Vx Vx^T - eta Vy Vy^T)
      const lambdaOf = (vx: Float64Array, vy: Float64Array, dyy: number, eta: number): number => {
        const L = new Float64Array(b * b);
        for (let i = 0; i < b; i++) {
          for (let j = 0; j < b; j++) {
            let s = 0;
            for (let t = 0; t < dx; t++) s += vx[i * dx + t] * vx[j * dx + t];
            let r = 0;
            for (let t = 0; t < dyy; t++) r += vy[i * dyy + t] * vy[j * dyy + t];
            L[i * b + j] = (s - eta * r) / b;
          }
        }
        const ev = be().eigh(L, b).values;
        return Math.abs(ev[0]) > Math.abs(ev[b - 1]) ? ev[0] : ev[b - 1];
      };
      const lambdaW = (w: Float64Array): number => {
        const z = matmul(ya, w, b, dyIn, dy);
        return lambdaOf(normalizeRows(xa, b, dx).v, normalizeRows(z, b, dy).v, dy, 1);
      };
      const step = alignLinearStep(be(), xa, ya, W, b, dx, dyIn, dy, { tol: 1e-13, maxIter: 20000 });
      assert.ok(step.converged, "power iteration did not converge");
      const ref = lambdaW(W);
      assert.ok(Math.abs(step.lambda - ref) < 1e-10 * Math.abs(ref), `power iteration ${step.lambda} vs ${ref}`);
      const exact = alignLinearStep(be(), xa, ya, W, b, dx, dyIn, dy, { solver: "exact" });
      assert.ok(Math.abs(exact.lambda - ref) < 1e-12 * Math.abs(ref), `exact solver ${exact.lambda} vs ${ref}`);
      let gDiff = 0;
      let gNorm = 0;
      for (let i = 0; i < W.length; i++) {
        gDiff = Math.max(gDiff, Math.abs(exact.gradW[i] - step.gradW[i]));
        gNorm = Math.max(gNorm, Math.abs(step.gradW[i]));
      }
      assert.ok(gDiff < 1e-8 * gNorm, `exact-solver gradient differs from the power-iteration one by ${gDiff}`);
      const warm = alignLinearStep(be(), xa, ya, W, b, dx, dyIn, dy, { tol: 1e-12, start: step.vector });
      assert.ok(warm.iterations <= 2 && step.iterations > 10, `warm start: ${warm.iterations} vs ${step.iterations}`);

      const h = 1e-5;
      let maxErr = 0;
      let maxGrad = 0;
      for (let i = 0; i < W.length; i++) {
        const wp = W.slice();
        const wm = W.slice();
        wp[i] += h;
        wm[i] -= h;
        const fd = (lambdaW(wp) - lambdaW(wm)) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - step.gradW[i]));
        maxGrad = Math.max(maxGrad, Math.abs(fd));
      }
      assert.ok(maxGrad > 1e-3, "the gradient must be nontrivial");
      assert.ok(maxErr < 1e-6 * maxGrad, `dlambda/dW vs finite differences: max error ${maxErr} (max ${maxGrad})`);

      // eta != 1: the left eigenvector w = D_eta^-1 v differs from v; check d lambda / d Vy directly.
      const eta = 2;
      const vx = normalizeRows(xa, b, dx).v;
      const vy = normalizeRows(randn(new Prng(44, "vy"), b, dy), b, dy).v;
      const G = gammaMinibatch(be(), vx, vy, b, dx, dy, eta);
      const pw = powerIteration(be(), G, dx + dy, { tol: 1e-13, maxIter: 20000 });
      assert.ok(pw.converged);
      const lref = lambdaOf(vx, vy, dy, eta);
      assert.ok(Math.abs(pw.value - lref) < 1e-10 * Math.abs(lref), `eta=2 power iteration ${pw.value} vs ${lref}`);
      const g = eigenvalueGradientVy(be(), vx, vy, b, dx, dy, pw.vector, eta);
      let gErr = 0;
      let gMax = 0;
      for (let i = 0; i < vy.length; i += 7) {
        const p1 = vy.slice();
        const m1 = vy.slice();
        p1[i] += h;
        m1[i] -= h;
        const fd = (lambdaOf(vx, p1, dy, eta) - lambdaOf(vx, m1, dy, eta)) / (2 * h);
        gErr = Math.max(gErr, Math.abs(fd - g[i]));
        gMax = Math.max(gMax, Math.abs(fd));
      }
      assert.ok(gMax > 1e-4 && gErr < 1e-6 * gMax, `eta=2 dlambda/dVy: max error ${gErr} (max ${gMax})`);
    });

    it("O12 sigma -> 0: top eigenvalue of (1/n)K -> 1/n; sigma -> infinity: -> 1", () => {
      const n = 60;
      const x = clustered(51, n, DX, 3, 2, 1).x;
      const topOf = (sigma: number): number => {
        const K = kernelMatrix(x, n, DX, { kernel: "gaussian", sigma: sigma });
        for (let i = 0; i < K.length; i++) K[i] /= n;
        const ev = be().eigh(K, n).values;
        return ev[n - 1];
      };
      assert.ok(Math.abs(topOf(1e-3) - 1 / n) < 1e-12, `sigma -> 0: ${topOf(1e-3)}`);
      assert.ok(Math.abs(topOf(1e5) - 1) < 1e-8, `sigma -> infinity: ${topOf(1e5)}`);
      let prev = 0;
      for (const s of [0.3, 1, 3, 10, 30]) {
        const t = topOf(s);
        assert.ok(t > prev, `top eigenvalue not increasing in sigma at ${s}`);
        prev = t;
      }
      // the same limits through the RFF features and the diagnostics (top eigenvalue of C_XX)
      const m = 150;
      const viaRff = (sigma: number): number => {
        const fx = makeFeatureMap({ kernel: "gaussian", d: DX, m: m, sigma: sigma, seed: 4, stream: "x" });
        const fy = makeFeatureMap({ kernel: "cosine", d: DX, seed: 4, stream: "y" });
        const p = buildPhi(be(), fx, fy, x, x, n);
        const acc = new GramAccumulator(p.M);
        acc.addBlock(be(), p.phi, n);
        return specDiagnostics(be(), covariance(acc), fx.dim, fy.dim, 1, 1).topXX[0];
      };
      const big = viaRff(1e6);
      assert.ok(Math.abs(big - 1) < 1e-6, `RFF sigma -> infinity: ${big}`);
      const small = viaRff(1e-4);
      assert.ok(small > 1 / n - 1e-9 && small < 1 / n + 3 * Math.sqrt(2 / (m * n)), `RFF sigma -> 0: ${small}`);
    });

    it("O13 invariances: joint permutation of samples; rotation/translation of one embedding (Gaussian)", () => {
      const p = gauss();
      const k = 3;
      const base = solveProblem(be(), p, 1, "cholesky", k);
      const rng = new Prng(61, "perm");
      const perm = Array.from({ length: N }, (_, i) => i);
      for (let i = N - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      const xp = new Float64Array(N * DX);
      const yp = new Float64Array(N * DY);
      for (let i = 0; i < N; i++) {
        xp.set(X.subarray(perm[i] * DX, (perm[i] + 1) * DX), i * DX);
        yp.set(Y.subarray(perm[i] * DY, (perm[i] + 1) * DY), i * DY);
      }
      const pp = buildPhi(be(), p.fx, p.fy, xp, yp, N);
      const sp = solveProblem(be(), pp, 1, "cholesky", k);
      assert.ok(maxAbsDiff(base.spectrum, sp.spectrum) < 1e-10, "permutation changed the spectrum");
      const u = scoresOf(be(), p, base.positive.vectors, k);
      const up = scoresOf(be(), pp, sp.positive.vectors, k);
      for (let j = 0; j < k; j++) {
        if (!isolated(base.spectrum, base.positive.values[j], 1e-3)) continue;
        const expect = new Float64Array(N);
        for (let i = 0; i < N; i++) expect[i] = u[perm[i] * k + j];
        const dist = distUpToSign(column(up, N, k, j), expect);
        assert.ok(dist < 1e-8, `mode +${j + 1}: permuted scores differ by ${dist}`);
      }

      // rotation + translation of Y: the exact Gaussian spectrum is unchanged to rounding.
      const Q = randomRotation(62, DY);
      const yr = matmul(Y, Q, N, DY, DY);
      for (let i = 0; i < N; i++) for (let t = 0; t < DY; t++) yr[i * DY + t] += 5 - t;
      const kx = { kernel: "gaussian" as const, sigma: SIGMA_X };
      const ky = { kernel: "gaussian" as const, sigma: SIGMA_Y };
      const e0 = exactSpec(be(), X, Y, N, DX, DY, kx, ky, 1);
      const e1 = exactSpec(be(), X, yr, N, DX, DY, kx, ky, 1);
      assert.ok(maxAbsDiff(e0.values, e1.values) < 1e-12, "rotation/translation changed the exact spectrum");
      // translation alone leaves the RFF kernel itself unchanged (cos(a)cos(b) + sin(a)sin(b) = cos(a - b)).
      const yt = Y.slice();
      for (let i = 0; i < N; i++) for (let t = 0; t < DY; t++) yt[i * DY + t] += 2 + 0.5 * t;
      const st = solveProblem(be(), buildPhi(be(), p.fx, p.fy, X, yt, N), 1, "cholesky", k);
      assert.ok(maxAbsDiff(base.spectrum, st.spectrum) < 1e-10, "translation changed the RFF spectrum");
    });
  });
}

