// The solve step, on one worker: assemble the summed tiles into C, solve the M x M eigenproblem, write
// solution.json (eigenvalues, SPEC-diff, diagnostics) into the run's temporary directory, and hand the selected
// eigenvectors on in chunks small enough for any runner's side-input channel.
import { MAP_COLUMNS, modeNames, SolutionJson } from "../run-dir/layout";
import { writeSolution } from "../run-dir/files";
import { faultPoint } from "../io/fault";
import { selectModes } from "../method/mode-signs";
import { getBackend, backendInfo, setThreads, LinalgBackend } from "../linalg/index";
import { GramAccumulator, GramTile, covarianceInPlace } from "../method/gram";
import { featureDims } from "../method/model";
import { lanczosChosen, solveSpec } from "../method/solver";
import { rffHalves } from "../method/rff-halves";
import { pcaAxes, PcaAxes } from "../method/kernel-pca";
import { kernelCka } from "../method/cka";
import { specDiff } from "../method/specdiff";
import { specDiagnostics } from "../method/diagnostics";
import { JobSpec, META, META_KEY } from "./job";
import { bytesToF64, f64ToBytes } from "./bytes";
import type { KeyedBytes } from "./gram-stage";

/** Side-input chunks of V stay far below gRPC's 4 MiB default message size. */
const CHUNK_BYTES = 1 << 20;

const solveTiles = (job: JobSpec, elements: Iterable<KeyedBytes>): KeyedBytes[] => {
  const t0 = Number(process.hrtime.bigint()) / 1e9;
  const backend = getBackend(job.backend);
  if (job.threads > 0 && backend.name === "native") setThreads(job.threads);
  const dims = featureDims(job.model);
  const M = dims.M;
  const tiles: GramTile[] = [];
  let meta: Float64Array | null = null;
  for (const e of elements) {
    if (e.key === META_KEY) {
      meta = bytesToF64(e.value);
      continue;
    }
    const parts = e.key.split(":");
    tiles.push({ bi: Number(parts[1]), bj: Number(parts[2]), data: bytesToF64(e.value) });
  }
  if (meta === null) throw new Error("solve: the Gram pass produced no rows (no meta element)");
  const n = meta[META.n];
  if (n !== job.n) throw new Error(`solve: the Gram pass saw ${n} rows, the plan has ${job.n}`);
  const colSum = meta.slice(META.colSum, META.colSum + M);
  const acc = GramAccumulator.fromTiles(M, job.tile, n, colSum, tiles);
  // the tiles (half an M x M) and a second M x M copy would add 1.7 GB at M = 12000
  tiles.length = 0;
  const C = covarianceInPlace(acc);
  if (job.progress) process.stderr.write(`[solve] M=${M} n=${n}: ${solveDescription(job, M)}\n`);
  const tSolve = Number(process.hrtime.bigint()) / 1e9;
  const sol = solveSpec(backend, { C: C, n: n, colSum: colSum, DX: dims.DX, DY: dims.DY, eta: job.model.eta,
    method: job.method, k: job.modes, solver: job.solver, inputPrecision: job.model.precision });
  const k = sol.k;
  const eigenSeconds = Number(process.hrtime.bigint()) / 1e9 - tSolve;
  const tDiag = Number(process.hrtime.bigint()) / 1e9;
  const diag = specDiagnostics(backend, C, dims.DX, dims.DY, job.model.eta, Math.min(5, k));
  const tHalves = Number(process.hrtime.bigint()) / 1e9;
  const halves = job.rffCheck === false ? undefined : rffHalves(backend, { C: C, colSum: colSum, n: n, DX: dims.DX, DY: dims.DY,
    mX: job.model.x.kernel === "gaussian" ? job.model.x.m : null,
    mY: job.model.y.kernel === "gaussian" ? job.model.y.m : null,
    eta: job.model.eta, k: k, inputPrecision: job.model.precision });
  const halvesSeconds = Number(process.hrtime.bigint()) / 1e9 - tHalves;
  const sel = selectModes(sol.positive.values, sol.negative.values, sol.eps, sol.positive.nullModes, sol.negative.nullModes);
  const kp = sel.positive.length;
  const kn = sel.negative.length;
  const posValues = sel.positive.map((j) => sol.positive.values[j]);
  const negValues = sel.negative.map((j) => sol.negative.values[j]);
  // SPEC-diff from every extreme eigenvalue found (zeros included: a side without modes has distance 0)
  const diff = specDiff(Array.from(sol.positive.values).concat(Array.from(sol.negative.values)));
  // V (M x (kp + kn)): columns +1..+kp then -1..-kn, the layout the score pass multiplies by.
  const K = kp + kn;
  const V = new Float64Array(M * K);
  for (let i = 0; i < M; i++) {
    for (let c = 0; c < kp; c++) V[i * K + c] = sol.positive.vectors[i * k + sel.positive[c]];
    for (let c = 0; c < kn; c++) V[i * K + kp + c] = sol.negative.vectors[i * k + sel.negative[c]];
  }
  const names = modeNames(kp, kn);
  const tMap = Number(process.hrtime.bigint()) / 1e9;
  const map = mapAxes(backend, C, M, dims.DX, dims.DY, colSum, n);
  const cka = kernelCka(C, colSum, n, dims.DX, dims.DY);
  const mapSeconds = Number(process.hrtime.bigint()) / 1e9 - tMap;
  const diagSeconds = Number(process.hrtime.bigint()) / 1e9 - tDiag;
  const solution: SolutionJson = {
    n: n, M: M, DX: dims.DX, DY: dims.DY, k: k, kp: kp, kn: kn, eigenvalue_tolerance: sel.tolerance, modes: names,
    eigenvalues: posValues.concat(negValues),
    positive: posValues,
    negative: negValues,
    spectrum: Array.from(sol.spectrum),
    spectrum_complete: sol.spectrumComplete,
    null_modes: sol.positive.nullModes.map((j) => `+${j + 1}`).concat(sol.negative.nullModes.map((j) => `-${j + 1}`)),
    spec_diff: { two_sided: diff.twoSided, x_minus_y: diff.xMinusY, y_minus_x: diff.yMinusX },
    cka: cka,
    diagnostics: { top_eigenvalues_cxx: Array.from(diag.topXX), top_eigenvalues_cyy: Array.from(diag.topYY),
      trace_gamma: diag.traceGamma, trace_expected: diag.traceExpected, trace_error: diag.traceError,
      cholesky_eps: sol.eps,
      rff_halves: halves ? { positive: halves.positive, negative: halves.negative,
        positive_error: halves.positiveError, negative_error: halves.negativeError, seconds: halvesSeconds } : null,
      eigensolver: { used: sol.solver.used, cycles: sol.solver.cycles, products: sol.solver.products,
        residual: sol.solver.residual, fell_back: sol.solver.fellBack } },
    backend: backendInfo(backend),
    gram: { shards: meta[META.shards], blocks: meta[META.blocks], read_seconds: meta[META.readSeconds],
      feature_seconds: meta[META.featureSeconds], syrk_seconds: meta[META.syrkSeconds] },
    col_sum_check: colSum.reduce((s, v) => s + v, 0),
    map_axes: map ? { x_variance: Array.from(map.x.values), y_variance: Array.from(map.y.values) } : null,
    solve_seconds: Number(process.hrtime.bigint()) / 1e9 - t0,
    // of which: the SPEC eigenproblem alone, and the report's extras (C_XX/C_YY tops, RFF halves, map axes, CKA)
    eigen_seconds: eigenSeconds,
    extras_seconds: { all: diagSeconds, rff_halves: halvesSeconds, map_axes_and_cka: mapSeconds },
  };
  writeSolution(job.tmpDir, solution);
  faultPoint("solve");
  if (job.progress) {
    process.stderr.write(`[solve] M=${M} n=${n}: top eigenvalues ${solution.positive.slice(0, 3).map((v) => v.toFixed(4)).join(", ")}` +
      ` | bottom ${solution.negative.slice(0, 3).map((v) => v.toFixed(4)).join(", ")} (${solution.solve_seconds.toFixed(2)} s)\n`);
  }
  const Vall = map ? withMapColumns(V, M, K, dims.DX, map) : V;
  const out: KeyedBytes[] = [];
  const perChunk = CHUNK_BYTES / 8;
  for (let c = 0, off = 0; off < Vall.length; c++, off += perChunk) {
    out.push({ key: `v:${c}`, value: f64ToBytes(Vall.slice(off, Math.min(Vall.length, off + perChunk))) });
  }
  out.push({ key: "k", value: f64ToBytes(Float64Array.of(kp, kn, M, map ? MAP_COLUMNS.length : 0)) });
  if (map) out.push({ key: "map", value: f64ToBytes(Float64Array.from([...map.x.offsets, ...map.y.offsets])) });
  return out;
};

/**
 * The report map's axes (method/kernel-pca.ts): two per side, or undefined when a side has fewer than 4 features.
 * Their columns ride along with V, so the score pass's GEMM gives every row's map coordinates.
 */
const mapAxes = (backend: LinalgBackend, C: Float64Array, M: number, DX: number, DY: number, colSum: Float64Array,
                 n: number): { x: PcaAxes; y: PcaAxes } | undefined => {
  if (DX < 4 || DY < 4) return undefined;
  return { x: pcaAxes(backend, C, M, 0, DX, colSum, n, 2), y: pcaAxes(backend, C, M, DX, DY, colSum, n, 2) };
};

/** V (M x K) with four more columns: [e_x1, e_x2] on X's rows, [e_y1, e_y2] on Y's rows, zero elsewhere. */
const withMapColumns = (V: Float64Array, M: number, K: number, DX: number, map: { x: PcaAxes; y: PcaAxes }): Float64Array => {
  const W = K + MAP_COLUMNS.length;
  const out = new Float64Array(M * W);
  for (let i = 0; i < M; i++) {
    for (let c = 0; c < K; c++) out[i * W + c] = V[i * K + c];
    if (i < DX) {
      out[i * W + K] = map.x.vectors[i * 2];
      out[i * W + K + 1] = map.x.vectors[i * 2 + 1];
    } else {
      out[i * W + K + 2] = map.y.vectors[(i - DX) * 2];
      out[i * W + K + 3] = map.y.vectors[(i - DX) * 2 + 1];
    }
  }
  return out;
};

/** What the solve is about to do, in words (its progress line). */
const solveDescription = (job: JobSpec, M: number): string => {
  const k = job.modes;
  if (job.method === "direct") return `the general eigensolver on the ${M} x ${M} Gamma (all eigenvalues)`;
  return lanczosChosen(M, k, job.solver)
    ? `block Lanczos for the ${k} largest and ${k} smallest eigenpairs of the ${M} x ${M} pencil (full solve if it does not converge)`
    : `one tridiagonal reduction of the ${M} x ${M} Theta (all eigenvalues, ${2 * k} eigenvectors)`;
};

/**
 * Reassembles V (M x (kp + kn + mapColumns)) from the side-input chunks, with the map columns' offsets (mu . e,
 * subtracted from the products to centre the coordinates).
 */
const assembleV = (chunks: Iterable<KeyedBytes>): { V: Float64Array; kp: number; kn: number; M: number;
  mapColumns: number; mapOffsets: Float64Array } => {
  const parts: { idx: number; data: Float64Array }[] = [];
  let kp = -1;
  let kn = -1;
  let M = -1;
  let mapColumns = 0;
  let mapOffsets: Float64Array = new Float64Array(0);
  for (const c of chunks) {
    if (c.key === "k") {
      const h = bytesToF64(c.value);
      kp = h[0];
      kn = h[1];
      M = h[2];
      mapColumns = h[3] ?? 0;
    } else if (c.key === "map") {
      mapOffsets = bytesToF64(c.value);
    } else {
      parts.push({ idx: Number(c.key.slice(2)), data: bytesToF64(c.value) });
    }
  }
  if (kp < 0) throw new Error("score: the solution side input has no header");
  if (mapOffsets.length !== mapColumns) throw new Error(`score: ${mapColumns} map columns but ${mapOffsets.length} offsets`);
  parts.sort((a, b) => a.idx - b.idx);
  const V = new Float64Array(M * (kp + kn + mapColumns));
  let off = 0;
  for (const p of parts) {
    V.set(p.data, off);
    off += p.data.length;
  }
  if (off !== V.length) throw new Error(`score: the solution side input holds ${off} values, expected ${V.length}`);
  return { V: V, kp: kp, kn: kn, M: M, mapColumns: mapColumns, mapOffsets: mapOffsets };
};

export { solveTiles, assembleV };
