// Random Fourier frequencies, drawn from the documented PRNG (method/prng.ts) so that every worker, runner and
// rerun regenerates the same matrix from (seed, stream) instead of shipping it.
// Layout: d x m row-major, element (i, j) = component i of frequency omega_j; elements are drawn in storage
// order (index i * m + j) as Prng(seed, stream).normal() / sigma, i.e. omega_j ~ N(0, sigma^-2 I_d).
// Stream names: "x" and "y" for independent frequencies per embedding; "shared" for both when dX = dY and the
// user asks to share them (then two identical embeddings give an exactly zero spectrum).
import { Prng } from "./prng";

export const OMEGA_STREAM_X = "x";
export const OMEGA_STREAM_Y = "y";
export const OMEGA_STREAM_SHARED = "shared";

export const makeOmega = (seed: number, stream: string, d: number, m: number, sigma: number): Float64Array => {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`makeOmega: dimension d must be a positive integer, got ${d}`);
  }
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`makeOmega: RFF count m must be a positive integer, got ${m}`);
  }
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`makeOmega: bandwidth sigma must be finite and > 0, got ${sigma}`);
  }
  const rng = new Prng(seed, stream);
  const out = new Float64Array(d * m);
  const inv = 1 / sigma;
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * inv;
  return out;
};
