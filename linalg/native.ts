// The native backend: a thin wrapper over the N-API addon linalg/native (OpenBLAS + LAPACKE). The addon works in
// place on the typed arrays' memory; this file allocates outputs, checks sizes and turns LAPACK info codes
// into errors.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EigResult, EighResult, LinalgBackend, RffCentring, RffLayout, Vec } from "./backend";
import { checkSyrkArgs } from "./portable/syrk";
import { checkRffArgs } from "./portable/rff";
import { checkEnds, checkRange } from "./portable/eigen";
import { checkLowerTimes, checkSplit } from "./portable/solver-ops";

interface Addon {
  syrkF64(acc: Float64Array, a: Float64Array, rows: number, d: number): void;
  syrkF32(acc: Float64Array, a: Float32Array, rows: number, d: number): void;
  dgemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number, ta: boolean, tb: boolean,
        c: Float64Array): void;
  dpotrf(u: Float64Array, n: number): number;
  dsyevd(a: Float64Array, n: number, w: Float64Array): number;
  dsyevr(a: Float64Array, n: number, il: number, iu: number, w: Float64Array, z: Float64Array): number;
  dgeev(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array, vr: Float64Array): number;
  signedOuterInPlace(a: Float64Array, n: number, split: number, diag: Float64Array): number;
  lowerTimes(a: Float64Array, n: number, diag: Float64Array, w: Float64Array, k: number): void;
  eighEnds(a: Float64Array, n: number, kLow: number, kHigh: number, w: Float64Array, z: Float64Array): number;
  rff(x: Vec, rows: number, d: number, omega: Vec, m: number, out: Vec, ld?: number, off?: number,
      colSum?: Float64Array, center?: Float64Array, phase?: Float64Array): void;
  config(): { config: string; corename: string; threads: number };
  setThreads(n: number): void;
  willNeed(paths: string[]): void;
  renameFlags(from: string, to: string, exchange: boolean): number;
}

const ADDON_FILE = "spec_linalg.node";
const BUILD_HINT = "build it with `make native` (or `cd linalg/native && ../../node_modules/.bin/node-gyp rebuild`; " +
  "needs the Debian packages libopenblas-dev and liblapacke-dev)";

/** Where the addon may be: beside the sources (ts run in place) or beside dist/linalg (compiled). */
const candidatePaths = (): string[] => {
  const fromEnv = process.env.SPEC_BEAM_NATIVE_ADDON;
  const list = [
    path.join(__dirname, "native", "build", "Release", ADDON_FILE),
    path.join(__dirname, "..", "..", "linalg", "native", "build", "Release", ADDON_FILE),
  ];
  return fromEnv ? [fromEnv, ...list] : list;
};

let addon: Addon | undefined;
let loadError: Error | undefined;

const loadAddon = (): Addon => {
  if (addon) return addon;
  if (loadError) throw loadError;
  const tried = candidatePaths();
  const found = tried.find((p) => fs.existsSync(p));
  if (!found) {
    loadError = new Error(`linalg native backend: addon ${ADDON_FILE} not found (looked at ${tried.join(", ")}); ` +
      BUILD_HINT);
    throw loadError;
  }
  try {
    addon = require(found) as Addon;
    return addon;
  } catch (e) {
    loadError = new Error(`linalg native backend: could not load ${found}: ${(e as Error).message}; ` + BUILD_HINT);
    throw loadError;
  }
};

const checkSquare = (op: string, a: Float64Array, n: number): void => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`linalg ${op}: n = ${n} must be a non-negative integer`);
  if (a.length < n * n) throw new Error(`linalg ${op}: A has ${a.length} elements, needs n*n = ${n * n}`);
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) {
      throw new Error(`linalg ${op}: A has a non-finite value ${a[i]} at row ${Math.floor(i / n)}, column ${i % n}`);
    }
  }
};

const lapackFailure = (op: string, routine: string, info: number): Error =>
  new Error(info < 0
    ? `linalg ${op}: ${routine} rejected argument ${-info} (info ${info})`
    : `linalg ${op}: ${routine} failed to converge (info ${info})`);

/** dpotrf on u in place (upper triangle read, lower zeroed), turning LAPACK's info into the errors of cholesky. */
const potrf = (x: Addon, op: string, u: Float64Array, n: number): void => {
  const info = x.dpotrf(u, n);
  if (info > 0) {
    throw new Error(`linalg ${op}: matrix is not positive definite (leading minor of order ${info} fails, ` +
      `row ${info - 1}, column ${info - 1})`);
  }
  if (info < 0) throw lapackFailure(op, "dpotrf", info);
};

const makeBackend = (x: Addon): LinalgBackend => ({
  name: "native",

  syrkAccumulate: (acc: Float64Array, a: Vec, rows: number, d: number): void => {
    checkSyrkArgs(acc, a, rows, d);
    if (rows === 0 || d === 0) return;
    if (a instanceof Float64Array) x.syrkF64(acc, a, rows, d);
    else x.syrkF32(acc, a, rows, d);
  },

  gemm: (a: Float64Array, b: Float64Array, m: number, k: number, n: number,
         transA = false, transB = false): Float64Array => {
    for (const pair of [["m", m], ["k", k], ["n", n]] as const) {
      if (!Number.isInteger(pair[1]) || pair[1] < 0) {
        throw new Error(`linalg gemm: ${pair[0]} = ${pair[1]} must be a non-negative integer`);
      }
    }
    if (a.length < m * k) throw new Error(`linalg gemm: A has ${a.length} elements, needs m*k = ${m * k}`);
    if (b.length < k * n) throw new Error(`linalg gemm: B has ${b.length} elements, needs k*n = ${k * n}`);
    const c = new Float64Array(m * n);
    if (m > 0 && n > 0 && k > 0) x.dgemm(a, b, m, k, n, transA, transB, c);
    return c;
  },

  cholesky: (a: Float64Array, n: number): Float64Array => {
    checkSquare("cholesky", a, n);
    const u = Float64Array.from(a.subarray(0, n * n));
    if (n === 0) return u;
    potrf(x, "cholesky", u, n);
    return u;
  },

  choleskyInPlace: (a: Float64Array, n: number): void => {
    checkSquare("choleskyInPlace", a, n);
    if (n > 0) potrf(x, "choleskyInPlace", a, n);
  },

  signedOuterInPlace: (a: Float64Array, n: number, split: number): Float64Array => {
    checkSquare("signedOuterInPlace", a, n);
    checkSplit(n, split);
    const diag = new Float64Array(n);
    if (n === 0) return diag;
    const info = x.signedOuterInPlace(a, n, split, diag);
    if (info !== 0) throw lapackFailure("signedOuterInPlace", "dlauum", info);
    return diag;
  },

  lowerTimes: (a: Float64Array, n: number, diag: Float64Array, w: Float64Array, k: number): void => {
    checkLowerTimes(a, n, diag, w, k);
    x.lowerTimes(a, n, diag, w, k);
  },

  eighEnds: (a: Float64Array, n: number, kLow: number, kHigh: number): EighResult => {
    checkSquare("eighEnds", a, n);
    checkEnds(n, kLow, kHigh);
    const w = new Float64Array(n);
    const z = new Float64Array(n * (kLow + kHigh));
    const info = x.eighEnds(a, n, kLow, kHigh, w, z);
    if (info !== 0) throw lapackFailure("eighEnds", "dsytrd/dsterf/dstemr/dormtr", info);
    return { values: w, vectors: z };
  },

  eigh: (a: Float64Array, n: number): EighResult => {
    checkSquare("eigh", a, n);
    const v = Float64Array.from(a.subarray(0, n * n));
    const w = new Float64Array(n);
    if (n === 0) return { values: w, vectors: v };
    const info = x.dsyevd(v, n, w);
    if (info !== 0) throw lapackFailure("eigh", "dsyevd", info);
    return { values: w, vectors: v };
  },

  eighRange: (a: Float64Array, n: number, il: number, iu: number): EighResult => {
    checkSquare("eighRange", a, n);
    checkRange(n, il, iu);
    const k = iu - il + 1;
    const work = Float64Array.from(a.subarray(0, n * n));
    const w = new Float64Array(n);
    const z = new Float64Array(n * k);
    const info = x.dsyevr(work, n, il, iu, w, z);
    if (info !== 0) throw lapackFailure("eighRange", "dsyevr", info);
    return { values: w.slice(0, k), vectors: z };
  },

  eig: (a: Float64Array, n: number): EigResult => {
    checkSquare("eig", a, n);
    const work = Float64Array.from(a.subarray(0, n * n));
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const vr = new Float64Array(n * n);
    if (n === 0) return { re: re, im: im, vectors: vr };
    const info = x.dgeev(work, n, re, im, vr);
    if (info !== 0) throw lapackFailure("eig", "dgeev", info);
    return { re: re, im: im, vectors: vr };
  },

  rffFeatures: (xs: Vec, rows: number, d: number, omega: Vec, m: number, out: Vec,
                layout?: RffLayout, centring?: RffCentring): void => {
    const lay = checkRffArgs(xs, rows, d, omega, m, out, layout, centring);
    if (rows === 0 || m === 0) return;
    x.rff(xs, rows, d, omega, m, out, lay.ld, lay.offset, lay.colSum, centring?.center, centring?.phase);
  },
});

let backend: LinalgBackend | undefined;

/** The native backend; throws an Error saying why and how to build it when the addon cannot load. */
const loadNativeBackend = (): LinalgBackend => {
  if (!backend) backend = makeBackend(loadAddon());
  return backend;
};

/** The native backend, or undefined when the addon cannot load. */
const tryLoadNativeBackend = (): LinalgBackend | undefined => {
  try {
    return loadNativeBackend();
  } catch {
    return undefined;
  }
};

const nativeConfig = (): { config: string; corename: string; threads: number } => loadAddon().config();

const nativeSetThreads = (n: number): void => loadAddon().setThreads(n);

/** Readahead hint for whole files (posix_fadvise WILLNEED, on a native thread); a no-op without the addon. */
const nativeWillNeed = (paths: string[]): void => {
  if (paths.length === 0) return;
  let a: Addon;
  try {
    a = loadAddon();
  } catch {
    return;
  }
  a.willNeed(paths);
};

/**
 * renameat2 with RENAME_EXCHANGE (exchange) or RENAME_NOREPLACE: 0 on success, else the errno; ENOSYS when the
 * addon is not built (callers fall back to plain renames).
 */
const nativeRename = (from: string, to: string, exchange: boolean): number => {
  let a: Addon;
  try {
    a = loadAddon();
  } catch {
    return 38; // ENOSYS
  }
  return a.renameFlags(from, to, exchange);
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { loadNativeBackend, tryLoadNativeBackend, nativeConfig, nativeSetThreads, nativeWillNeed, nativeRename };
