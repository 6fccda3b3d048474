// Register-blocked SYRK in plain TypeScript: acc (d x d, upper triangle) += A^T A.
// Rows are taken in panels of PANEL_ROWS; each panel is repacked (as float64) into groups of 4 columns stored
// row-interleaved, so that the 4x4 micro-kernel reads both operands as contiguous streams and keeps its 16
// partial sums in registers. Accumulation is float64 for f32 and f64 input alike.
import type { Vec } from "../backend";

const PANEL_ROWS = 128;

const checkSyrkArgs = (acc: Float64Array, a: Vec, rows: number, d: number): void => {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(d) || d < 0) {
    throw new Error(`linalg syrkAccumulate: rows (${rows}) and d (${d}) must be non-negative integers`);
  }
  if (acc.length < d * d) {
    throw new Error(`linalg syrkAccumulate: accumulator has ${acc.length} elements, needs d*d = ${d * d}`);
  }
  if (a.length < rows * d) {
    throw new Error(`linalg syrkAccumulate: input has ${a.length} elements, needs rows*d = ${rows * d}`);
  }
};

/** Packs rows r0..r0+rb of a (row-major, width d) into p: group g, row r, lane c at (g * PANEL_ROWS + r) * 4 + c. */
const packPanel = (p: Float64Array, a: Vec, r0: number, rb: number, d: number): void => {
  for (let r = 0; r < rb; r++) {
    const src = (r0 + r) * d;
    for (let c = 0; c < d; c++) {
      p[((c >> 2) * PANEL_ROWS + r) * 4 + (c & 3)] = a[src + c];
    }
  }
};

/** One 4x4 block of upper-triangle sums over rb packed rows, added into acc at (i0, j0). */
const block4x4 = (acc: Float64Array, p: Float64Array, gi: number, gj: number, rb: number, d: number): void => {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = gi * PANEL_ROWS * 4;
  let pb = gj * PANEL_ROWS * 4;
  const end = pa + rb * 4;
  for (; pa < end; pa += 4, pb += 4) {
    const a0 = p[pa], a1 = p[pa + 1], a2 = p[pa + 2], a3 = p[pa + 3];
    const b0 = p[pb], b1 = p[pb + 1], b2 = p[pb + 2], b3 = p[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  const i0 = gi * 4, j0 = gj * 4;
  if (gi !== gj && j0 + 3 < d) {
    let o = i0 * d + j0;
    acc[o] += c00; acc[o + 1] += c01; acc[o + 2] += c02; acc[o + 3] += c03; o += d;
    acc[o] += c10; acc[o + 1] += c11; acc[o + 2] += c12; acc[o + 3] += c13; o += d;
    acc[o] += c20; acc[o + 1] += c21; acc[o + 2] += c22; acc[o + 3] += c23; o += d;
    acc[o] += c30; acc[o + 1] += c31; acc[o + 2] += c32; acc[o + 3] += c33;
    return;
  }
  // Diagonal or ragged edge block: write only existing entries with j >= i.
  const c = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let u = 0; u < 4; u++) {
    const i = i0 + u;
    if (i >= d) break;
    for (let v = 0; v < 4; v++) {
      const j = j0 + v;
      if (j >= d) break;
      if (j >= i) acc[i * d + j] += c[u * 4 + v];
    }
  }
};

const syrkAccumulate = (acc: Float64Array, a: Vec, rows: number, d: number): void => {
  checkSyrkArgs(acc, a, rows, d);
  if (rows === 0 || d === 0) return;
  const groups = (d + 3) >> 2;
  // Zero-initialised, so lanes past d in the last group stay 0 and contribute nothing.
  const p = new Float64Array(groups * PANEL_ROWS * 4);
  for (let r0 = 0; r0 < rows; r0 += PANEL_ROWS) {
    const rb = Math.min(PANEL_ROWS, rows - r0);
    packPanel(p, a, r0, rb, d);
    for (let gi = 0; gi < groups; gi++) {
      for (let gj = gi; gj < groups; gj++) block4x4(acc, p, gi, gj, rb, d);
    }
  }
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { checkSyrkArgs, syrkAccumulate };
