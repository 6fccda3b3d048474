// Dense float64 matrix product with optional transposes, as a plain i-p-j loop over row-major copies so that the
// innermost loop runs along contiguous rows of B and C.

/** Returns the c x r transpose of the r x c row-major matrix a. */
const transpose = (a: Float64Array, r: number, c: number): Float64Array => {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) t[j * r + i] = a[row + j];
  }
  return t;
};

const gemm = (a: Float64Array, b: Float64Array, m: number, k: number, n: number,
                     transA = false, transB = false): Float64Array => {
  for (const pair of [["m", m], ["k", k], ["n", n]] as const) {
    if (!Number.isInteger(pair[1]) || pair[1] < 0) {
      throw new Error(`linalg gemm: ${pair[0]} = ${pair[1]} must be a non-negative integer`);
    }
  }
  if (a.length < m * k) throw new Error(`linalg gemm: A has ${a.length} elements, needs m*k = ${m * k}`);
  if (b.length < k * n) throw new Error(`linalg gemm: B has ${b.length} elements, needs k*n = ${k * n}`);
  // A stored k x m when transposed, B stored n x k.
  const aa = transA ? transpose(a, k, m) : a;
  const bb = transB ? transpose(b, n, k) : b;
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const s = aa[ai + p];
      if (s === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += s * bb[bp + j];
    }
  }
  return c;
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { transpose, gemm };
