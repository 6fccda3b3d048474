// `spec-beam align` (docs/method.md section 6): learn a linear map W (dY x dY, started at the identity) so that the
// embedding Y W differs as little as possible from X under SPEC-diff, cosine kernel with exact features.
// Each step draws a minibatch of the SAME samples on both sides, takes lambda = the eigenvalue of largest |.| of
// Gamma_b (exactly, through the b x b symmetric form: power iteration stalls near the optimum, where the largest
// positive and negative eigenvalues have nearly equal magnitude) and its gradient (method/align.ts), and moves W by Adam on |lambda| + reg ||W - Q||_F^2 (Q: the orthogonal map nearest to W).
// Training is sequential, so it runs on the driver: it reads up to align.max_rows paired rows, evenly from the
// shards, and holds align.holdout of them out to measure SPEC-diff before and after on rows it never trained on.
// Outputs (published like compare's, local or gs://): W.npy (float64, dY x dY; apply as Y W) and summary.json.
import type { SpecConfig } from "../configs/schema";
import { configHash } from "../configs/load";
import { planRun, PlanError, RunPlan } from "./plan";
import { headOfShard } from "../shards/shard";
import { readShard } from "../shards/read";
import { readIdsFile } from "../io/source";
import { InputError } from "../io/errors";
import { shardRowSet } from "../worker/row-set";
import { ZeroVectorError } from "../method/features";
import { npyBytes } from "../io/npy-write";
import { storeWrite } from "../io/run-store";
import { openRunSession, RunSession } from "../io/run-session";
import { withSignalCleanup } from "./run-signals";
import { pausePoint } from "../io/fault";
import { getBackend, backendInfo } from "../linalg/index";
import type { LinalgBackend } from "../linalg/backend";
import { alignLinearStep, extremeEigenpair, normalizeRows } from "../method/align";
import { Prng } from "../method/prng";

interface AlignResult {
  outDir: string;
  summary: Record<string, unknown>;
}

interface Pairs {
  n: number;
  dx: number;
  dy: number;
  x: Float64Array;
  y: Float64Array;
}

/** Up to maxRows paired rows, the same number from the head of every shard (inputs are often sorted by class). */
const loadPairs = (plan: RunPlan, maxRows: number): Pairs => {
  if (plan.pairing !== "by_row") throw new PlanError("align reads aligned rows: it needs pairing by_row");
  const dx = plan.x.dim;
  const dy = plan.y.dim;
  const per = Math.ceil(Math.min(maxRows, plan.n) / plan.shards.length);
  // rows taken from each shard, known before reading, so the rows go straight into one array per side
  const takes: number[] = [];
  let n = 0;
  for (const shard of plan.shards) {
    const take = Math.min(per, shard.rows, maxRows - n);
    if (take <= 0) break;
    takes.push(take);
    n += take;
  }
  const x = new Float64Array(n * dx);
  const y = new Float64Array(n * dy);
  let at = 0;
  takes.forEach((take, s) => {
    const head = headOfShard(plan.shards[s], take);
    const r = readShard(head, plan.x.options, plan.y.options, readIdsFile);
    const set = shardRowSet(r, head.x[0].path, head.y ? head.y[0].path : head.x[0].path);
    // the cosine kernel needs a / ||a||: a zero row is bad input, named here rather than deep in a minibatch
    for (const side of ["x", "y"] as const) {
      const v = side === "x" ? r.x : r.y;
      const d = side === "x" ? dx : dy;
      for (let i = 0; i < take; i++) {
        let ss = 0;
        for (let j = 0; j < d; j++) ss += v[i * d + j] * v[i * d + j];
        if (ss === 0) {
          throw new InputError(set.where(side, i), `embedding ${side}: ${new ZeroVectorError(i).reason}`);
        }
      }
    }
    x.set(r.x, at * dx);
    y.set(r.y, at * dy);
    at += take;
  });
  return { n: n, dx: dx, dy: dy, x: x, y: y };
};

/** steps between refreshes of the regulariser's nearest orthogonal map */
const POLAR_EVERY = 5;

/**
 * The orthogonal factor Q of the polar decomposition W = Q P (the orthogonal map nearest to W in Frobenius norm):
 * Q = W (W^T W)^-1/2. The regulariser ||W - Q||_F^2 costs nothing for rotations and reflections, which change
 * nothing under the cosine kernel, unlike ||W - I||_F^2 (its gradient is 2 (W - Q): Q's own change is second order
 * at the minimiser over Q).
 */
const polarFactor = (backend: LinalgBackend, W: Float64Array, d: number): Float64Array => {
  const S = backend.gemm(W, W, d, d, d, true, false);
  const e = backend.eigh(S, d);
  const inv = new Float64Array(d * d);
  const floor = Math.max(...Array.from(e.values)) * 1e-12;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += (e.vectors[a * d + k] * e.vectors[b * d + k]) / Math.sqrt(Math.max(e.values[k], floor));
      inv[a * d + b] = v;
    }
  }
  return backend.gemm(W, inv, d, d, d);
};

/** The indices of the kk largest entries of row (similarities of row i to every row), excluding i itself. */
const nearest = (row: Float64Array, i: number, kk: number): number[] => {
  const idx: number[] = [];
  for (let j = 0; j < row.length; j++) if (j !== i) idx.push(j);
  idx.sort((p, q) => row[q] - row[p] || p - q);
  return idx.slice(0, kk);
};

/** Each row's kk nearest other rows by cosine similarity (b x kk). */
const neighbours = (backend: LinalgBackend, A: Float64Array, b: number, d: number, kk: number): Int32Array => {
  const v = normalizeRows(A, b, d).v;
  const S = backend.gemm(v, v, b, d, b, false, true);
  const out = new Int32Array(b * kk);
  for (let i = 0; i < b; i++) out.set(nearest(S.subarray(i * b, (i + 1) * b), i, kk), i * kk);
  return out;
};

/** Mean |N_k(Y, i) cap N_k(Z, i)| / k over the rows, N_k the k nearest other rows by cosine similarity. */
const knnOverlap = (backend: LinalgBackend, Y: Float64Array, Z: Float64Array, b: number, d: number, k: number): number => {
  const kk = Math.min(k, b - 1);
  const ny = neighbours(backend, Y, b, d, kk);
  const nz = neighbours(backend, Z, b, d, kk);
  let shared = 0;
  for (let i = 0; i < b; i++) {
    const set = new Set(ny.subarray(i * kk, (i + 1) * kk));
    for (let t = 0; t < kk; t++) if (set.has(nz[i * kk + t])) shared++;
  }
  return shared / (b * kk);
};

/** Rows idx of a row-major matrix with d columns, as float64. */
const gather = (a: Float64Array, idx: Int32Array | number[], d: number): Float64Array => {
  const out = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(a.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
  return out;
};

/**
 * SPEC-diff of X against Y W on the held-out rows, exactly: the extreme eigenvalues of Gamma on all b rows, i.e. of
 * the b x b (Vx Vx^T - Vz Vz^T) / b with Vz the rows of Y W, both row-normalised (cosine kernel).
 */
const holdoutDiff = (backend: LinalgBackend, X: Float64Array, Y: Float64Array, W: Float64Array, b: number,
                     dx: number, dy: number): { two_sided: number; top: number; bottom: number } => {
  const vx = normalizeRows(X, b, dx).v;
  const vz = normalizeRows(backend.gemm(Y, W, b, dy, dy), b, dy).v;
  const e = extremeEigenpair(backend, vx, vz, b, dx, dy);
  return { two_sided: Math.max(e.high, -e.low), top: e.high, bottom: e.low };
};

const runAlign = async (cfg: SpecConfig, opts: { progress?: boolean } = {}): Promise<AlignResult> => {
  const progress = opts.progress ?? true;
  const log = (s: string) => {
    if (progress) process.stderr.write(`${s}\n`);
  };
  // --out is checked and locked before any work, as in compare
  const inputs = [cfg.x.path, cfg.y?.path, cfg.x.ids_file, cfg.y?.ids_file].filter((p): p is string => typeof p === "string");
  const session = openRunSession({ out: cfg.out, inputs: inputs, overwrite: cfg.overwrite, command: "align", log: log });
  try {
    return await withSignalCleanup(session, () => alignAndPublish(cfg, session, log, progress));
  } finally {
    session.abort();
  }
};

const alignAndPublish = async (cfg: SpecConfig, session: RunSession, log: (s: string) => void,
                               progress: boolean): Promise<AlignResult> => {
  const a = cfg.align;
  const t0 = Date.now();
  const plan = planRun(cfg);
  await pausePoint("plan");
  const data = loadPairs(plan, a.max_rows);
  const dx = data.dx;
  const dy = data.dy;
  if (data.n < a.holdout + a.batch) {
    throw new PlanError(`align needs at least holdout + batch = ${a.holdout + a.batch} rows, ` +
      `got ${data.n} (from ${plan.n} in the input, max_rows ${a.max_rows})`);
  }
  const backend = getBackend(cfg.compute.backend);
  // a seeded permutation: the last `holdout` rows are never trained on
  const rng = new Prng(cfg.seed, "align");
  const perm = Array.from({ length: data.n }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const train = perm.slice(0, data.n - a.holdout);
  const heldAll = perm.slice(data.n - a.holdout);
  // a validation quarter (at most 500 rows) for early stopping; the rest give the reported before/after
  const nVal = a.patience > 0 ? Math.min(500, Math.floor(a.holdout / 4)) : 0;
  const val = heldAll.slice(0, nVal);
  const held = heldAll.slice(nVal);
  const Xh = gather(data.x, held, dx);
  const Yh = gather(data.y, held, dy);
  const Xv = gather(data.x, val, dx);
  const Yv = gather(data.y, val, dy);
  const W = new Float64Array(dy * dy);
  for (let i = 0; i < dy; i++) W[i * dy + i] = 1;
  const before = holdoutDiff(backend, Xh, Yh, W, held.length, dx, dy);
  log(`[align] ${data.n} rows (${train.length} train, ${nVal} validation, ${held.length} held out), dX=${dx} ` +
    `dY=${dy}; held-out SPEC-diff before ${before.two_sided.toFixed(4)}`);
  const evalEvery = Math.max(10, Math.floor(a.steps / 30));
  let best = { diff: nVal > 0 ? holdoutDiff(backend, Xv, Yv, W, nVal, dx, dy).two_sided : Infinity, step: 0, W: W.slice() };
  let sinceBest = 0;
  let stoppedAt = a.steps;
  const validation: { step: number; spec_diff: number }[] = nVal > 0 ? [{ step: 0, spec_diff: best.diff }] : [];

  // Adam on |lambda| + reg ||W - Q||_F^2
  const m1 = new Float64Array(W.length);
  const m2 = new Float64Array(W.length);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const every = Math.max(1, Math.floor(a.steps / 100));
  const trajectory: { step: number; lambda: number; loss: number }[] = [];
  const tTrain = Date.now();
  let polar: Float64Array = W.slice();
  // align.lr is W's operator-norm step: each of the dY^2 entries moves by ~lr / sqrt(dY) (see configs/schema.ts)
  const stepSize = a.lr / Math.sqrt(dy);
  for (let step = 1; step <= a.steps; step++) {
    // a turn for the event loop now and then, so that SIGINT/SIGTERM are handled mid-training
    if (step % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    const idx = new Int32Array(a.batch);
    // a minibatch without repeats: a partial Fisher-Yates over the training rows
    for (let i = 0; i < a.batch; i++) {
      const j = i + rng.below(train.length - i);
      const t = train[i];
      train[i] = train[j];
      train[j] = t;
      idx[i] = train[i];
    }
    const r = alignLinearStep(backend, gather(data.x, idx, dx), gather(data.y, idx, dy), W, a.batch, dx, dy, dy,
      { solver: "exact" });
    const sign = r.lambda >= 0 ? 1 : -1;
    // the nearest orthogonal map, refreshed every few steps (a dY x dY eigendecomposition)
    if (step === 1 || step % POLAR_EVERY === 0) polar = polarFactor(backend, W, dy);
    let reg = 0;
    for (let i = 0; i < W.length; i++) {
      const dev = W[i] - polar[i];
      reg += dev * dev;
      const g = sign * r.gradW[i] + 2 * a.reg * dev;
      m1[i] = beta1 * m1[i] + (1 - beta1) * g;
      m2[i] = beta2 * m2[i] + (1 - beta2) * g * g;
      const mh = m1[i] / (1 - beta1 ** step);
      const vh = m2[i] / (1 - beta2 ** step);
      W[i] -= (stepSize * mh) / (Math.sqrt(vh) + 1e-8);
    }
    const loss = Math.abs(r.lambda) + a.reg * reg;
    if (step % every === 0 || step === 1 || step === a.steps) {
      trajectory.push({ step: step, lambda: r.lambda, loss: loss });
    }
    if (nVal > 0 && step % evalEvery === 0) {
      const v = holdoutDiff(backend, Xv, Yv, W, nVal, dx, dy).two_sided;
      validation.push({ step: step, spec_diff: v });
      log(`[align] step ${step}/${a.steps}: minibatch lambda ${r.lambda.toFixed(4)}, validation SPEC-diff ${v.toFixed(4)}`);
      if (v < best.diff * 0.99) {
        best = { diff: v, step: step, W: W.slice() };
        sinceBest = 0;
      } else if (v < best.diff) {
        best = { diff: v, step: step, W: W.slice() };
        sinceBest++;
      } else {
        sinceBest++;
      }
      if (sinceBest >= a.patience) {
        stoppedAt = step;
        log(`[align] stopped at step ${step}: no 1% improvement in ${a.patience} checks; best at step ${best.step}`);
        break;
      }
    } else if (nVal === 0 && progress && (step % Math.max(1, Math.floor(a.steps / 10)) === 0)) {
      log(`[align] step ${step}/${a.steps}: minibatch lambda ${r.lambda.toFixed(4)}, loss ${loss.toFixed(4)}`);
    }
  }
  // with early stopping, the W of the best validation check (also when training ran to the end)
  if (nVal > 0 && validation[validation.length - 1].spec_diff > best.diff) W.set(best.W);
  const trainSeconds = (Date.now() - tTrain) / 1000;
  for (const v of W) {
    if (!Number.isFinite(v)) throw new Error("align: W diverged (non-finite entries); lower --lr");
  }
  const after = holdoutDiff(backend, Xh, Yh, W, held.length, dx, dy);
  const knn = knnOverlap(backend, Yh, backend.gemm(Yh, W, held.length, dy, dy), held.length, dy, 10);
  log(`[align] held-out SPEC-diff after ${after.two_sided.toFixed(4)} (before ${before.two_sided.toFixed(4)})`);

  const tmp = session.work;
  {
    const summary: Record<string, unknown> = {
      command: "align",
      config: cfg,
      config_hash: configHash(cfg),
      seed: cfg.seed,
      map: { file: "W.npy", shape: [dy, dy], apply: "Y_aligned = Y W (rows of Y times W)" },
      kernel: "cosine (exact features)",
      rows: { loaded: data.n, train: train.length, validation: nVal, holdout: held.length, input: plan.n },
      // what Y W kept of Y's geometry: the mean share of each held-out row's 10 nearest neighbours (cosine) that
      // are the same under Y and under Y W
      knn_overlap_at_10: knn,
      validation: validation,
      stopped_at_step: stoppedAt,
      best_step: nVal > 0 ? best.step : null,
      dims: { x: dx, y: dy },
      heldout_spec_diff: { before: before, after: after },
      steps: a.steps,
      batch: a.batch,
      minibatch_eigensolver: "exact: extreme eigenpairs of the b x b (Vx Vx^T - Vz Vz^T) / b",
      trajectory: trajectory,
      backend: backendInfo(backend),
      timings: { total_seconds: (Date.now() - t0) / 1000, train_seconds: trainSeconds },
    };
    storeWrite(tmp, "W.npy", npyBytes(W, dy, dy));
    storeWrite(tmp, "summary.json", JSON.stringify(summary, null, 2));
    const outDir = session.commit();
    log(`[done] ${outDir}`);
    return { outDir: outDir, summary: summary };
  }
};

export { runAlign, AlignResult, holdoutDiff, knnOverlap };
