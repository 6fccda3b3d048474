// Explicit feature maps phi with k(a, b) ~= phi(a)^T phi(b) (docs/method.md section 2):
// - cosine: phi(a) = a / ||a|| (exact, dimension d);
// - gaussian: random Fourier features, phi(a) = m^-1/2 [cos(omega^T a), sin(omega^T a)] (dimension 2m), with the
//   seeded omegas of method/omegas.ts so that every worker computes the same map.
// featuresInto writes into a column range of a wider row-major block because the pipeline forms
// Phi = [Phi_X, Phi_Y] row by row (the cross block C_XY needs both embeddings of a sample in one row).
import type { LinalgBackend, RffCentring, Vec } from "../linalg/backend";
import { makeOmega } from "./omegas";

export type KernelName = "gaussian" | "cosine";

export interface FeatureMap {
  kernel: KernelName;
  /** input dimension */
  d: number;
  /** feature dimension: 2m (gaussian) or d (cosine) */
  dim: number;
  /** gaussian only: number of frequencies */
  m?: number;
  /** gaussian only: bandwidth */
  sigma?: number;
  /**
   * gaussian only: d x m row-major frequencies, drawn in float64; a Float32Array (their rounding) selects the
   * single-precision projection
   */
  omega?: Float64Array | Float32Array;
  /** gaussian with a float32 omega: the centring of the projection (phase = center^T W from the float64 W) */
  centring?: RffCentring;
}

/** A row whose features cannot be formed; `row` is the row index local to the block passed in. */
export class FeatureRowError extends Error {
  constructor(readonly row: number, readonly reason: string) {
    super(`row ${row}: ${reason}`);
    this.name = "FeatureRowError";
  }
}

/** Cosine kernel on a zero vector: undefined, so the run must stop (the caller adds the file and global row). */
export class ZeroVectorError extends FeatureRowError {
  constructor(row: number) {
    super(row, "zero vector under the cosine kernel (its norm is 0, so a / ||a|| is undefined)");
    this.name = "ZeroVectorError";
  }
}

export interface FeatureMapOptions {
  kernel: KernelName;
  d: number;
  m?: number;
  sigma?: number;
  seed: number;
  stream: string;
  /** precision of X W (default float64) */
  projection?: "float64" | "float32";
  /** float32 projection: rows are centred on this point (d values) first */
  center?: ArrayLike<number>;
}

/** phase_j = sum_k center_k W_kj in float64, the part of the argument that the centred rows leave out. */
const centringOf = (center: ArrayLike<number>, omega: Float64Array, d: number, m: number): RffCentring => {
  if (center.length !== d) throw new RangeError(`feature map: center has ${center.length} values, expected d = ${d}`);
  const c = Float64Array.from(center);
  const phase = new Float64Array(m);
  for (let k = 0; k < d; k++) {
    const ck = c[k];
    if (!Number.isFinite(ck)) throw new RangeError(`feature map: center[${k}] is not finite (${ck})`);
    for (let j = 0; j < m; j++) phase[j] += ck * omega[k * m + j];
  }
  return { center: c, phase: phase };
};

export const makeFeatureMap = (opts: FeatureMapOptions): FeatureMap => {
  if (!Number.isInteger(opts.d) || opts.d < 1) {
    throw new RangeError(`feature map: input dimension must be a positive integer, got ${opts.d}`);
  }
  if (opts.kernel === "cosine") return { kernel: "cosine", d: opts.d, dim: opts.d };
  if (opts.kernel !== "gaussian") throw new RangeError(`feature map: unknown kernel "${String(opts.kernel)}"`);
  if (opts.m === undefined) {
    throw new RangeError("feature map: the gaussian kernel needs m (number of RFF frequencies)");
  }
  if (opts.sigma === undefined) throw new RangeError("feature map: the gaussian kernel needs sigma");
  const omega64 = makeOmega(opts.seed, opts.stream, opts.d, opts.m, opts.sigma);
  const f32 = opts.projection === "float32";
  const omega = f32 ? Float32Array.from(omega64) : omega64;
  const centring = f32 && opts.center !== undefined ? centringOf(opts.center, omega64, opts.d, opts.m) : undefined;
  return { kernel: "gaussian", d: opts.d, dim: 2 * opts.m, m: opts.m, sigma: opts.sigma, omega: omega,
    centring: centring };
};

const cosineInto = (x: Vec, rows: number, d: number, out: Vec, outCols: number, colOffset: number,
                    colSum: Float64Array | undefined): void => {
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += x[base + j] * x[base + j];
    const norm = Math.sqrt(ss);
    if (norm === 0) throw new ZeroVectorError(r);
    if (!Number.isFinite(norm)) throw new FeatureRowError(r, "non-finite value in the vector");
    const inv = 1 / norm;
    const o = r * outCols + colOffset;
    for (let j = 0; j < d; j++) out[o + j] = x[base + j] * inv;
    if (colSum !== undefined) for (let j = 0; j < d; j++) colSum[colOffset + j] += out[o + j];
  }
};

/**
 * Writes phi(x_r) for each of `rows` rows of x (rows x fm.d, row-major) into columns [colOffset, colOffset+fm.dim)
 * of out (rows x outCols, row-major). Throws ZeroVectorError (cosine) with the local row index. With colSum
 * (length >= colOffset + fm.dim), every value written (as stored) is also added into colSum[colOffset + j]: the
 * Gram pass needs the column sums of Phi and gets them without another pass over the block.
 */
export const featuresInto = (backend: LinalgBackend, fm: FeatureMap, x: Vec, rows: number, out: Vec,
                             outCols: number, colOffset: number, colSum?: Float64Array): void => {
  if (x.length < rows * fm.d) {
    throw new RangeError(`featuresInto: input holds ${x.length} values, need ${rows} rows x ${fm.d}`);
  }
  if (colOffset < 0 || colOffset + fm.dim > outCols || out.length < rows * outCols) {
    throw new RangeError(`featuresInto: columns [${colOffset}, ${colOffset + fm.dim}) do not fit a ` +
      `${rows} x ${outCols} output of length ${out.length}`);
  }
  if (colSum !== undefined && colSum.length < colOffset + fm.dim) {
    throw new RangeError(`featuresInto: colSum has ${colSum.length} values, need ${colOffset + fm.dim}`);
  }
  if (fm.kernel === "cosine") {
    cosineInto(x, rows, fm.d, out, outCols, colOffset, colSum);
    return;
  }
  // The backend writes straight into the column range of the wider block: no temporary, no copy.
  backend.rffFeatures(x, rows, fm.d, fm.omega as Float64Array | Float32Array, fm.m as number, out,
    { ld: outCols, offset: colOffset, colSum: colSum }, fm.centring);
};
