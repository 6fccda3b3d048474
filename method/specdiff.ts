// SPEC-diff (docs/method.md section 5): distances between two embeddings read off the extreme eigenvalues.
export interface SpecDiff {
  /** max |lambda| = ||Lambda||_2, the spectral radius */
  twoSided: number;
  /** max(lambda_max, 0): how much X clusters samples that Y does not */
  xMinusY: number;
  /** max(-lambda_min, 0): the reverse */
  yMinusX: number;
}

/**
 * values: any set of eigenvalues containing the largest and the smallest (the full spectrum or its extremes).
 * The one-sided parts are clamped at 0: a one-sided distance is never negative (with unit-diagonal kernels and
 * eta <= 1 the trace 1 - eta >= 0 forces lambda_max >= 0 anyway; clamping only matters for eta > 1).
 */
export const specDiff = (values: ArrayLike<number>): SpecDiff => {
  if (values.length === 0) throw new RangeError("specDiff: no eigenvalues given");
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`specDiff: eigenvalue ${i} is not finite (${v})`);
    if (v > max) max = v;
    if (v < min) min = v;
  }
  return { twoSided: Math.max(Math.abs(max), Math.abs(min)), xMinusY: Math.max(max, 0), yMinusX: Math.max(-min, 0) };
};
