// Random Fourier features: out = m^-1/2 [cos(X W), sin(X W)], projections accumulated in the precision of W.
import type { RffCentring, RffLayout, Vec } from "../backend";

/** The layout with its defaults filled in, after checking every size (throws naming the argument). */
const checkRffArgs = (x: Vec, rows: number, d: number, omega: Vec, m: number, out: Vec,
                      layout?: RffLayout, centring?: RffCentring): { ld: number; offset: number; colSum?: Float64Array } => {
  for (const pair of [["rows", rows], ["d", d], ["m", m]] as const) {
    if (!Number.isInteger(pair[1]) || pair[1] < 0) {
      throw new Error(`linalg rffFeatures: ${pair[0]} = ${pair[1]} must be a non-negative integer`);
    }
  }
  const ld = layout?.ld ?? 2 * m;
  const offset = layout?.offset ?? 0;
  if (!Number.isInteger(ld) || !Number.isInteger(offset) || offset < 0 || offset + 2 * m > ld) {
    throw new Error(`linalg rffFeatures: columns [${offset}, ${offset + 2 * m}) do not fit rows of stride ${ld}`);
  }
  if (x.length < rows * d) throw new Error(`linalg rffFeatures: X has ${x.length} elements, needs rows*d = ${rows * d}`);
  if (omega.length < d * m) {
    throw new Error(`linalg rffFeatures: omega has ${omega.length} elements, needs d*m = ${d * m}`);
  }
  if (layout === undefined || (layout.ld === undefined && layout.offset === undefined)) {
    if (out.length < rows * 2 * m) {
      throw new Error(`linalg rffFeatures: out has ${out.length} elements, needs rows*2m = ${rows * 2 * m}`);
    }
  } else if (rows > 0 && out.length < (rows - 1) * ld + offset + 2 * m) {
    throw new Error(`linalg rffFeatures: out has ${out.length} elements, needs ${(rows - 1) * ld + offset + 2 * m} ` +
      `for ${rows} rows of stride ${ld} from column ${offset}`);
  }
  const colSum = layout?.colSum;
  if (colSum !== undefined && colSum.length < offset + 2 * m) {
    throw new Error(`linalg rffFeatures: colSum has ${colSum.length} elements, needs offset+2m = ${offset + 2 * m}`);
  }
  if (centring !== undefined) {
    if (!(omega instanceof Float32Array)) {
      throw new Error("linalg rffFeatures: centring applies to the float32 projection only (omega is float64)");
    }
    if (centring.center.length !== d || centring.phase.length !== m) {
      throw new Error(`linalg rffFeatures: centring needs center of length d = ${d} and phase of length m = ${m}, ` +
        `got ${centring.center.length} and ${centring.phase.length}`);
    }
  }
  return { ld: ld, offset: offset, colSum: colSum };
};

const rffFeatures = (x: Vec, rows: number, d: number, omega: Vec, m: number, out: Vec,
                     layout?: RffLayout, centring?: RffCentring): void => {
  const lay = checkRffArgs(x, rows, d, omega, m, out, layout, centring);
  const center = centring?.center;
  const phase = centring?.phase;
  const scale = m > 0 ? 1 / Math.sqrt(m) : 0;
  // a float32 W selects the single-precision projection: the running sums are rounded to float32 at every step
  const proj = omega instanceof Float32Array ? new Float32Array(m) : new Float64Array(m);
  const cs = lay.colSum;
  for (let r = 0; r < rows; r++) {
    proj.fill(0);
    const xr = r * d;
    for (let k = 0; k < d; k++) {
      const v = center === undefined ? x[xr + k] : Math.fround(x[xr + k] - center[k]);
      if (v === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) proj[j] += v * omega[wk + j];
    }
    const o = r * lay.ld + lay.offset;
    for (let j = 0; j < m; j++) {
      const a = phase === undefined ? proj[j] : proj[j] + phase[j];
      out[o + j] = scale * Math.cos(a);
      out[o + m + j] = scale * Math.sin(a);
    }
    if (cs !== undefined) {
      // the values as stored (rounded to float32 when out is a Float32Array)
      for (let j = 0; j < 2 * m; j++) cs[lay.offset + j] += out[o + j];
    }
  }
};

// Exported at the end so that uses inside this module bind the local constants (see the build notes).
export { checkRffArgs, rffFeatures };
