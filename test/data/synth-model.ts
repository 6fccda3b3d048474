// The generative model behind test/data/synth.ts: paired embeddings X (dx) and Y (dy) of the same
// samples with planted cluster structure that SPEC should recover.
//   - each sample i has a true cluster c(i), uniform in [0, clusters);
//   - X = centreX[c] + noise, Y = centreY[g(c)] + noise, where g merges the pairs (0,1), (2,3), ...
//     of the first `merges` pairs and is one-to-one on the rest. X separates what Y merges, so the
//     spectrum has `merges` clearly positive modes (docs/method.md, oracle O8), and no negative ones
//     beyond those pairs.
//   - centre norms are uniform in [20, 30] (DINOv2-like magnitudes), noise is isotropic with
//     expected norm `noise` (default 25): within-cluster distances are then ~0.7x the
//     between-cluster ones, so kernel blocks are visible but far from block-diagonal.
// Every value is a function of (seed, row) only, never of how rows are split into files: each row
// draws from its own random stream, so --files and --row-group change the layout, not the data.
import { Prng } from "../../method/prng";

interface SynthParams {
  seed: number;
  dx: number;
  dy: number;
  clusters: number;
  merges: number;
  noise: number;
}

type Side = "x" | "y";

const CENTRE_NORM_MIN = 20;
const CENTRE_NORM_MAX = 30;
const MAX_ROWS = 2 ** 32;

// `count` centres of dimension `dim`: a Gaussian direction scaled to a norm in [20, 30].
const makeCentres = (seed: number, stream: string, count: number, dim: number): Float64Array => {
  const rng = new Prng(seed, stream);
  const out = new Float64Array(count * dim);
  for (let c = 0; c < count; c++) {
    let sq = 0;
    for (let j = 0; j < dim; j++) {
      const v = rng.normal();
      out[c * dim + j] = v;
      sq += v * v;
    }
    const scale = (CENTRE_NORM_MIN + (CENTRE_NORM_MAX - CENTRE_NORM_MIN) * rng.uniform()) / Math.sqrt(sq);
    for (let j = 0; j < dim; j++) out[c * dim + j] *= scale;
  }
  return out;
};

// Per-row random numbers. method/prng.ts's Prng gives each side a 64-bit key; row r's generator
// is xoshiro128** (the algorithm of Prng) seeded by splitmix32 from hash(key, r), so a row needs
// no string keys and no Prng object. The hot loop keeps the state in int32 locals: measured
// 34 ns per Prng.nextUint32 call (its uint32 fields are heap numbers) against ~2 ns here, and
// ~75 ns per Prng.normal against ~10 ns for the polar method below.
const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

const mix32 = (x: number): number => {
  let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
};

interface RowKey {
  k0: number;
  k1: number;
}

const sideKey = (seed: number, stream: string): RowKey => {
  const rng = new Prng(seed, stream);
  return { k0: rng.nextUint32() | 0, k1: rng.nextUint32() | 0 };
};

// The four xoshiro words of row `row` (< 2^32) under `key`, into state[0..3].
const seedRow = (key: RowKey, row: number, state: Int32Array): void => {
  let s = mix32(key.k0 ^ mix32((row | 0) ^ key.k1));
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) | 0;
    state[i] = mix32(s);
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
};

// The first 32-bit output of the row generator, as a cluster in [0, clusters) (bias < clusters / 2^32).
const rowCluster = (key: RowKey, row: number, clusters: number, state: Int32Array): number => {
  seedRow(key, row, state);
  const out = Math.imul(rotl(Math.imul(state[1], 5), 7), 9) >>> 0;
  return Math.floor((out * clusters) / 4294967296);
};

// out[base + j] = centres[centre + j] + sigma * N(0, 1) for j < dim, with Marsaglia's polar
// method on pairs of uniforms in [-1, 1) (signed 32-bit outputs times 2^-31).
const TWO_POW_M31 = 2 ** -31;
const addNoise = (
  state: Int32Array, out: Float32Array, base: number, centres: Float64Array, centre: number, dim: number, sigma: number,
): void => {
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];
  let j = 0;
  while (j < dim) {
    const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const u = a * TWO_POW_M31;
    const v = b * TWO_POW_M31;
    const q = u * u + v * v;
    if (q >= 1 || q === 0) continue;
    const f = sigma * Math.sqrt((-2 * Math.log(q)) / q);
    out[base + j] = centres[centre + j] + u * f;
    j++;
    if (j < dim) {
      out[base + j] = centres[centre + j] + v * f;
      j++;
    }
  }
};

class SynthModel {
  readonly params: SynthParams;
  private readonly centresX: Float64Array;
  private readonly centresY: Float64Array;
  private readonly keys: Record<Side | "label", RowKey>;
  private readonly state = new Int32Array(4);

  constructor(params: SynthParams) {
    const p = params;
    if (!(Number.isInteger(p.clusters) && p.clusters >= 1)) throw new Error(`synth: clusters must be a positive integer, got ${p.clusters}`);
    if (!(Number.isInteger(p.merges) && p.merges >= 0 && 2 * p.merges <= p.clusters)) {
      throw new Error(`synth: merges must be an integer in [0, clusters/2] = [0, ${Math.floor(p.clusters / 2)}], got ${p.merges}`);
    }
    for (const k of ["dx", "dy"] as const) {
      if (!(Number.isInteger(p[k]) && p[k] >= 1)) throw new Error(`synth: ${k} must be a positive integer, got ${p[k]}`);
    }
    if (!(p.noise >= 0 && Number.isFinite(p.noise))) throw new Error(`synth: noise must be a finite number >= 0, got ${p.noise}`);
    this.params = { ...p };
    this.centresX = makeCentres(p.seed, "synth:centres:x", p.clusters, p.dx);
    this.centresY = makeCentres(p.seed, "synth:centres:y", p.clusters - p.merges, p.dy);
    this.keys = { x: sideKey(p.seed, "synth:rows:x"), y: sideKey(p.seed, "synth:rows:y"), label: sideKey(p.seed, "synth:rows:label") };
  }

  /** The true clusters (X clusters) of rows [start, start + count). */
  labels(start: number, count: number): Int32Array {
    if (!(Number.isInteger(start) && start >= 0 && start + count <= MAX_ROWS)) throw new Error(`synth: rows must lie in [0, 2^32), got ${start}+${count}`);
    const out = new Int32Array(count);
    for (let r = 0; r < count; r++) out[r] = rowCluster(this.keys.label, start + r, this.params.clusters, this.state);
    return out;
  }

  /** Y's cluster for X-cluster c. */
  yCluster(c: number): number {
    return c < 2 * this.params.merges ? Math.floor(c / 2) : c - this.params.merges;
  }

  /** Rows [start, start + labels.length) of one side (labels from `labels`), row-major into a new array. */
  vectors(side: Side, start: number, labels: Int32Array): Float32Array {
    const dim = side === "x" ? this.params.dx : this.params.dy;
    const centres = side === "x" ? this.centresX : this.centresY;
    const sigma = this.params.noise / Math.sqrt(dim);
    const key = this.keys[side];
    const count = labels.length;
    if (!(Number.isInteger(start) && start >= 0 && start + count <= MAX_ROWS)) throw new Error(`synth: rows must lie in [0, 2^32), got ${start}+${count}`);
    const out = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      const c = labels[r];
      const centre = (side === "x" ? c : this.yCluster(c)) * dim;
      seedRow(key, start + r, this.state);
      addNoise(this.state, out, r * dim, centres, centre, dim, sigma);
    }
    return out;
  }
}

// Ids sort in row order: "s" and the row number zero-padded to the width of n - 1.
const sampleId = (row: number, n: number): string => `s${String(row).padStart(String(Math.max(0, n - 1)).length, "0")}`;

export { SynthModel, sampleId };
export type { SynthParams, Side };
