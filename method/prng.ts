// The seeded PRNG behind every random number spec-beam draws (RFF omegas, bandwidth subsamples).
// It must give bit-identical streams in every worker, runner and rerun, and be reproducible outside this code,
// so the algorithm is fixed and spelled out here (all arithmetic on unsigned 32-bit words, mod 2^32):
//
// 1. Key: the UTF-8 bytes of the string `${seed}:${stream}` (seed as a decimal integer, e.g. "42:x"),
//    hashed with FNV-1a 32: h = 0x811c9dc5; for each byte b: h = (h ^ b) * 0x01000193.
// 2. Seeding: splitmix32 with state s = h produces the four xoshiro words s0..s3, in that order:
//      s = s + 0x9e3779b9; z = s; z = (z ^ (z >>> 16)) * 0x85ebca6b; z = (z ^ (z >>> 13)) * 0xc2b2ae35;
//      out = z ^ (z >>> 16).
//    (splitmix32 never yields four zero words for one key, so the xoshiro state is valid.)
// 3. Generator: xoshiro128** (Blackman & Vigna):
//      out = rotl(s1 * 5, 7) * 9; t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
// 4. uniform(): two outputs a, b -> ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53, a double in [0, 1) with 53 random bits.
// 5. normal(): Box-Muller on a pair of uniforms u1 = 1 - uniform() (in (0, 1]) and u2 = uniform():
//      r = sqrt(-2 ln u1); returns r cos(2 pi u2), then (next call) r sin(2 pi u2), then a new pair.
//    Math.cos/sin/log/sqrt may differ in the last ulp between JavaScript engines; within Node they are fixed.

/** Thrown for a seed that cannot be formatted unambiguously. */
export class PrngSeedError extends Error {}

/** FNV-1a 32 of the UTF-8 bytes of s. */
const fnv1a32Impl = (s: string): number => {
  const bytes = Buffer.from(s, "utf8");
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return h >>> 0;
};
export const fnv1a32 = fnv1a32Impl;

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream: string) {
    if (!Number.isSafeInteger(seed)) {
      throw new PrngSeedError(`PRNG seed must be a safe integer, got ${seed}`);
    }
    let s = fnv1a32Impl(`${seed}:${stream}`);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      words.push((z ^ (z >>> 16)) >>> 0);
    }
    this.s0 = words[0];
    this.s1 = words[1];
    this.s2 = words[2];
    this.s3 = words[3];
  }

  /** The next raw 32-bit output of xoshiro128** (unsigned). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) from 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal by Box-Muller; the second value of each pair is cached for the next call. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = r * Math.sin(angle);
    this.hasSpare = true;
    return r * Math.cos(angle);
  }

  /** Uniform integer in [0, n) (n <= 2^32), unbiased by rejection. */
  below(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) {
      throw new RangeError(`Prng.below: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
