// The sufficient statistic of SPEC: the upper triangle of sum_i phi_i phi_i^T (M x M, float64) plus the row count
// and the column sums of Phi. Partial sums from any split of the rows add up (merge), and the pipeline ships
// them as upper-triangle tiles small enough for a Beam combine (toTiles / fromTiles).
// colSum lets the solver fix each mode's sign without another pass: sum_i u_i = colSum . v.
import type { LinalgBackend, Vec } from "../linalg/backend";

export interface GramTile {
  /** tile row and column (bi <= bj): rows [bi*tile, ...), columns [bj*tile, ...) of the upper triangle */
  bi: number;
  bj: number;
  /** row-major, min(tile, M - bi*tile) x min(tile, M - bj*tile); diagonal tiles hold zeros below the diagonal */
  data: Float64Array;
}

const tileCount = (M: number, tile: number): number => Math.ceil(M / tile);

export class GramAccumulator {
  n = 0;
  readonly upper: Float64Array;
  readonly colSum: Float64Array;

  constructor(readonly M: number) {
    if (!Number.isInteger(M) || M < 1) throw new RangeError(`GramAccumulator: M must be a positive integer, got ${M}`);
    this.upper = new Float64Array(M * M);
    this.colSum = new Float64Array(M);
  }

  /** Adds the rows x M block phi (row-major): one SYRK into the upper triangle. */
  addBlock(backend: LinalgBackend, phi: Vec, rows: number): void {
    const M = this.M;
    if (phi.length < rows * M) {
      throw new RangeError(`GramAccumulator.addBlock: block holds ${phi.length} values, need ${rows} x ${M}`);
    }
    if (rows === 0) return;
    backend.syrkAccumulate(this.upper, phi.length === rows * M ? phi : phi.subarray(0, rows * M), rows, M);
    const cs = this.colSum;
    for (let r = 0; r < rows; r++) {
      const base = r * M;
      for (let j = 0; j < M; j++) cs[j] += phi[base + j];
    }
    this.n += rows;
  }

  merge(other: GramAccumulator): void {
    if (other.M !== this.M) throw new RangeError(`GramAccumulator.merge: M ${other.M} != ${this.M}`);
    const M = this.M;
    for (let i = 0; i < M; i++) {
      for (let j = i; j < M; j++) this.upper[i * M + j] += other.upper[i * M + j];
      this.colSum[i] += other.colSum[i];
    }
    this.n += other.n;
  }

  /** The upper-triangle tiles (bi <= bj), row-major within each tile; edge tiles are smaller. */
  toTiles(tile: number): GramTile[] {
    const M = this.M;
    if (!Number.isInteger(tile) || tile < 1) {
      throw new RangeError(`toTiles: tile must be a positive integer, got ${tile}`);
    }
    const T = tileCount(M, tile);
    const tiles: GramTile[] = [];
    for (let bi = 0; bi < T; bi++) {
      const r0 = bi * tile;
      const nr = Math.min(tile, M - r0);
      for (let bj = bi; bj < T; bj++) {
        const c0 = bj * tile;
        const nc = Math.min(tile, M - c0);
        const data = new Float64Array(nr * nc);
        for (let r = 0; r < nr; r++) {
          const i = r0 + r;
          for (let c = 0; c < nc; c++) {
            const j = c0 + c;
            if (j >= i) data[r * nc + c] = this.upper[i * M + j];
          }
        }
        tiles.push({ bi: bi, bj: bj, data: data });
      }
    }
    return tiles;
  }

  /** Rebuilds an accumulator from the complete set of tiles (each (bi, bj) exactly once). */
  static fromTiles(M: number, tile: number, n: number, colSum: Float64Array, tiles: GramTile[]): GramAccumulator {
    const acc = new GramAccumulator(M);
    if (colSum.length !== M) throw new RangeError(`fromTiles: colSum has length ${colSum.length}, expected M = ${M}`);
    const T = tileCount(M, tile);
    const seen = new Uint8Array(T * T);
    for (const t of tiles) {
      if (!(Number.isInteger(t.bi) && Number.isInteger(t.bj) && t.bi >= 0 && t.bi <= t.bj && t.bj < T)) {
        throw new RangeError(`fromTiles: tile (${t.bi}, ${t.bj}) is outside the upper triangle of ${T} x ${T} tiles`);
      }
      if (seen[t.bi * T + t.bj]) throw new RangeError(`fromTiles: tile (${t.bi}, ${t.bj}) appears twice`);
      seen[t.bi * T + t.bj] = 1;
      const r0 = t.bi * tile;
      const c0 = t.bj * tile;
      const nr = Math.min(tile, M - r0);
      const nc = Math.min(tile, M - c0);
      if (t.data.length !== nr * nc) {
        throw new RangeError(`fromTiles: tile (${t.bi}, ${t.bj}) has ${t.data.length} values, expected ${nr} x ${nc}`);
      }
      for (let r = 0; r < nr; r++) {
        const i = r0 + r;
        for (let c = 0; c < nc; c++) {
          const j = c0 + c;
          if (j >= i) acc.upper[i * M + j] = t.data[r * nc + c];
        }
      }
    }
    for (let bi = 0; bi < T; bi++) {
      for (let bj = bi; bj < T; bj++) {
        if (!seen[bi * T + bj]) throw new RangeError(`fromTiles: tile (${bi}, ${bj}) is missing`);
      }
    }
    acc.colSum.set(colSum);
    acc.n = n;
    return acc;
  }
}

/** The full symmetric C = (1/n) Phi^T Phi (M x M, both triangles). */
export const covariance = (acc: GramAccumulator): Float64Array => {
  const M = acc.M;
  if (acc.n < 1) throw new RangeError("covariance: no rows were accumulated (n = 0)");
  const inv = 1 / acc.n;
  const C = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let j = i; j < M; j++) {
      const v = acc.upper[i * M + j] * inv;
      C[i * M + j] = v;
      C[j * M + i] = v;
    }
  }
  return C;
};

/**
 * covariance without the second M x M array: acc.upper becomes C (scaled, lower triangle mirrored) and is
 * returned; the accumulator is spent (its n is set to 0). At M = 12000 every M x M copy is 1.2 GB.
 */
export const covarianceInPlace = (acc: GramAccumulator): Float64Array => {
  const M = acc.M;
  if (acc.n < 1) throw new RangeError("covariance: no rows were accumulated (n = 0)");
  const inv = 1 / acc.n;
  const C = acc.upper;
  for (let i = 0; i < M; i++) {
    for (let j = i; j < M; j++) {
      const v = C[i * M + j] * inv;
      C[i * M + j] = v;
      C[j * M + i] = v;
    }
  }
  acc.n = 0;
  return C;
};
