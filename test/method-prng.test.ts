// The seeded PRNG (method/prng.ts): a second, BigInt implementation of the documented algorithm must give the same
// bits; streams must be reproducible, independent, and have the right moments.
import assert from "node:assert/strict";
import { Prng, PrngSeedError, fnv1a32 } from "../method/prng";
import { makeOmega } from "../method/omegas";

const MASK = (1n << 32n) - 1n;

/** The algorithm of the prng.ts header, written independently on BigInt words. */
class ReferencePrng {
  private s: bigint[];
  constructor(seed: number, stream: string) {
    let h = 0x811c9dc5n;
    for (const byte of new TextEncoder().encode(`${seed}:${stream}`)) {
      h = ((h ^ BigInt(byte)) * 0x01000193n) & MASK;
    }
    let sm = h;
    this.s = [];
    for (let i = 0; i < 4; i++) {
      sm = (sm + 0x9e3779b9n) & MASK;
      let z = sm;
      z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & MASK;
      z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & MASK;
      this.s.push(z ^ (z >> 16n));
    }
  }
  private static rotl(x: bigint, k: bigint): bigint {
    return ((x << k) | (x >> (32n - k))) & MASK;
  }
  next(): bigint {
    const s = this.s;
    const result = (ReferencePrng.rotl((s[1] * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1] << 9n) & MASK;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ReferencePrng.rotl(s[3], 11n);
    return result;
  }
  uniform(): number {
    const a = this.next() >> 5n;
    const b = this.next() >> 6n;
    return Number((a << 26n) | b) / 2 ** 53;
  }
}

const moments = (xs: number[]): { mean: number; variance: number; kurtosis: number } => {
  const n = xs.length;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    m2 += (x - mean) ** 2;
    m4 += (x - mean) ** 4;
  }
  m2 /= n;
  m4 /= n;
  return { mean: mean, variance: m2, kurtosis: m4 / (m2 * m2) };
};

describe("method/prng: seeded PRNG", () => {
  it("FNV-1a 32 matches the published test vectors", () => {
    assert.equal(fnv1a32(""), 0x811c9dc5);
    assert.equal(fnv1a32("a"), 0xe40c292c);
    assert.equal(fnv1a32("foobar"), 0xbf9cf968);
  });

  it("raw outputs and uniforms equal an independent BigInt implementation of the documented algorithm", () => {
    for (const key of [[0, "x"], [42, "y"], [-7, "shared"], [123456789, "bandwidth"], [1, "ü-stream"]] as const) {
      const a = new Prng(key[0], key[1]);
      const r = new ReferencePrng(key[0], key[1]);
      for (let i = 0; i < 1000; i++) assert.equal(BigInt(a.nextUint32()), r.next(), `seed ${key[0]} output ${i}`);
      for (let i = 0; i < 1000; i++) assert.equal(a.uniform(), r.uniform());
    }
  });

  it("normal() is Box-Muller on the documented uniform pair (cos first, then the cached sin)", () => {
    const a = new Prng(5, "x");
    const r = new ReferencePrng(5, "x");
    for (let i = 0; i < 200; i++) {
      const u1 = 1 - r.uniform();
      const u2 = r.uniform();
      const rad = Math.sqrt(-2 * Math.log(u1));
      assert.equal(a.normal(), rad * Math.cos(2 * Math.PI * u2));
      assert.equal(a.normal(), rad * Math.sin(2 * Math.PI * u2));
    }
  });

  it("is deterministic per (seed, stream) and differs across seeds and streams", () => {
    const draw = (seed: number, stream: string): number[] => {
      const p = new Prng(seed, stream);
      return Array.from({ length: 64 }, () => p.nextUint32());
    };
    assert.deepEqual(draw(3, "x"), draw(3, "x"));
    assert.notDeepEqual(draw(3, "x"), draw(3, "y"));
    assert.notDeepEqual(draw(3, "x"), draw(4, "x"));
    assert.notDeepEqual(draw(12, "3"), draw(1, "23"));
  });

  it("streams are uncorrelated and have uniform / normal moments", () => {
    const n = 200000;
    const a = new Prng(9, "x");
    const b = new Prng(9, "y");
    const us: number[] = [];
    const zs: number[] = [];
    const ws: number[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = a.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      us.push(u);
      zs.push(a.normal());
      ws.push(b.normal());
    }
    assert.ok(lo >= 0 && hi < 1);
    const mu = moments(us);
    assert.ok(Math.abs(mu.mean - 0.5) < 0.003, `uniform mean ${mu.mean}`);
    assert.ok(Math.abs(mu.variance - 1 / 12) < 0.001, `uniform variance ${mu.variance}`);
    const mz = moments(zs);
    assert.ok(Math.abs(mz.mean) < 0.01, `normal mean ${mz.mean}`);
    assert.ok(Math.abs(mz.variance - 1) < 0.01, `normal variance ${mz.variance}`);
    assert.ok(Math.abs(mz.kurtosis - 3) < 0.05, `normal kurtosis ${mz.kurtosis}`);
    let cross = 0;
    for (let i = 0; i < n; i++) cross += zs[i] * ws[i];
    assert.ok(Math.abs(cross / n) < 0.01, `streams x and y correlate: ${cross / n}`);
  });

  it("below(n) stays in range and is uniform", () => {
    const p = new Prng(1, "below");
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[p.below(7)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `bucket count ${c}`);
    assert.throws(() => p.below(0), RangeError);
  });

  it("rejects seeds that are not safe integers", () => {
    assert.throws(() => new Prng(1.5, "x"), PrngSeedError);
    assert.throws(() => new Prng(Number.NaN, "x"), PrngSeedError);
    assert.throws(() => new Prng(2 ** 60, "x"), PrngSeedError);
  });
});

describe("method/omegas: seeded RFF frequencies", () => {
  it("are the stream's normals in row-major order, divided by sigma", () => {
    const om = makeOmega(17, "x", 3, 5, 2.5);
    const p = new Prng(17, "x");
    for (let i = 0; i < 15; i++) assert.equal(om[i], p.normal() * (1 / 2.5));
  });

  it("are identical on every call and distinct per stream; entries ~ N(0, sigma^-2)", () => {
    assert.deepEqual(makeOmega(1, "x", 20, 500, 4), makeOmega(1, "x", 20, 500, 4));
    assert.notDeepEqual(makeOmega(1, "x", 20, 50, 4), makeOmega(1, "y", 20, 50, 4));
    const om = makeOmega(2, "shared", 50, 2000, 4);
    const m = moments(Array.from(om));
    assert.ok(Math.abs(m.mean) < 0.005, `mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - 1 / 16) < 0.002, `variance ${m.variance} vs 1/16`);
  });

  it("rejects a bad shape or bandwidth", () => {
    assert.throws(() => makeOmega(1, "x", 0, 5, 1), /dimension/);
    assert.throws(() => makeOmega(1, "x", 3, 0, 1), /RFF count/);
    assert.throws(() => makeOmega(1, "x", 3, 5, 0), /sigma/);
  });
});
