// The generative model behind tools/synth.ts: paired embeddings X (dx) and Y (dy) of the same
// samples with planted cluster structure that SPEC should recover.
//   - each sample i has a true cluster c(i), uniform in [0, clusters);
//   - X = centreX[c] + noise, Y = centreY[g(c)] + noise, where g merges the pairs (0,1), (2,3), ...
//     of the first `merges` pairs and is one-to-one on the rest. X separates what Y merges, so the
//     spectrum has `merges` clearly positive modes (spec-math.md, oracle O8), and no negative ones
//     beyond those pairs.
//   - centre norms are uniform in [20, 30] (DINOv2-like magnitudes), noise is isotropic with
//     expected norm `noise` (default 25): within-cluster distances are then ~0.7x the
//     between-cluster ones, so kernel blocks are visible but far from block-diagonal.
// Every value is a function of (seed, row) only, never of how rows are split into files: each row
// draws from its own PRNG streams, so --files and --row-group change the layout, not the data.
import { Prng } from "../spec/prng";

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

// Y's cluster of X-cluster c.
const mergedCluster = (c: number, merges: number): number => (c < 2 * merges ? Math.floor(c / 2) : c - merges);

class SynthModel {
  readonly params: SynthParams;
  private readonly centresX: Float64Array;
  private readonly centresY: Float64Array;

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
  }

  /** The true cluster of sample `row` (the X cluster). */
  label(row: number): number {
    return new Prng(this.params.seed, `synth:label:${row}`).below(this.params.clusters);
  }

  /** Y's cluster for X-cluster c. */
  yCluster(c: number): number {
    return mergedCluster(c, this.params.merges);
  }

  /** Rows [start, start + count) of one side into `out` (row-major, count x dim), and their labels. */
  fill(side: Side, start: number, count: number, out: Float32Array, labels: Int32Array): void {
    const dim = side === "x" ? this.params.dx : this.params.dy;
    const centres = side === "x" ? this.centresX : this.centresY;
    const sigma = this.params.noise / Math.sqrt(dim);
    const seed = this.params.seed;
    if (out.length < count * dim || labels.length < count) throw new Error(`synth: output buffers too small for ${count} rows of ${dim}`);
    for (let r = 0; r < count; r++) {
      const row = start + r;
      const c = this.label(row);
      labels[r] = c;
      const centre = (side === "x" ? c : this.yCluster(c)) * dim;
      const rng = new Prng(seed, `synth:${side}:${row}`);
      const base = r * dim;
      for (let j = 0; j < dim; j++) out[base + j] = centres[centre + j] + sigma * rng.normal();
    }
  }
}

// Ids sort in row order: "s" and the row number zero-padded to the width of n - 1.
const sampleId = (row: number, n: number): string => `s${String(row).padStart(String(Math.max(0, n - 1)).length, "0")}`;

export { SynthModel, sampleId, mergedCluster };
export type { SynthParams, Side };
