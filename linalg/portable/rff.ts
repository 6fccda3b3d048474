// Random Fourier features: out = m^-1/2 [cos(X W), sin(X W)], projections accumulated in float64.
import type { Vec } from "../backend";

const checkRffArgs = (x: Vec, rows: number, d: number, omega: Float64Array, m: number, out: Vec): void => {
  for (const pair of [["rows", rows], ["d", d], ["m", m]] as const) {
    if (!Number.isInteger(pair[1]) || pair[1] < 0) {
      throw new Error(`linalg rffFeatures: ${pair[0]} = ${pair[1]} must be a non-negative integer`);
    }
  }
  if (x.length < rows * d) throw new Error(`linalg rffFeatures: X has ${x.length} elements, needs rows*d = ${rows * d}`);
  if (omega.length < d * m) {
    throw new Error(`linalg rffFeatures: omega has ${omega.length} elements, needs d*m = ${d * m}`);
  }
  if (out.length < rows * 2 * m) {
    throw new Error(`linalg rffFeatures: out has ${out.length} elements, needs rows*2m = ${rows * 2 * m}`);
  }
};

const rffFeatures = (x: Vec, rows: number, d: number, omega: Float64Array, m: number, out: Vec): void => {
  checkRffArgs(x, rows, d, omega, m, out);
  const scale = m > 0 ? 1 / Math.sqrt(m) : 0;
  const proj = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    proj.fill(0);
    const xr = r * d;
    for (let k = 0; k < d; k++) {
      const v = x[xr + k];
      if (v === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) proj[j] += v * omega[wk + j];
    }
    const o = r * 2 * m;
    for (let j = 0; j < m; j++) {
      out[o + j] = scale * Math.cos(proj[j]);
      out[o + m + j] = scale * Math.sin(proj[j]);
    }
  }
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { checkRffArgs, rffFeatures };
