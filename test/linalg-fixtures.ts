// Seeded random matrices shared by the linalg test suites, so failures reproduce.
// Seeded uniform [-0.5, 0.5) (mulberry32).
const makeRandom = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
};

const randomMatrix = (rand: () => number, r: number, c: number, scale = 1): Float64Array => {
  const m = new Float64Array(r * c);
  for (let i = 0; i < m.length; i++) m[i] = scale * rand();
  return m;
};

/** B^T B + n I: symmetric positive definite and well conditioned. */
const randomSpd = (rand: () => number, n: number): Float64Array => {
  const b = randomMatrix(rand, n, n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[k * n + i] * b[k * n + j];
      a[i * n + j] = s;
    }
  }
  return a;
};

export { makeRandom, randomMatrix, randomSpd };
