// How tight a set of samples is under one kernel: the mean kernel similarity over its distinct pairs, with the
// exact kernel (not the random features). The report compares a mode's top samples under X and under Y with the
// same number for random samples, which is what "X clusters them and Y does not" looks like in numbers.
import { kernelMatrix, ExactKernel } from "./exact";

/** Mean of k(a, b) over the distinct pairs of `rows` (each of dimension d); NaN for fewer than two rows. */
const meanPairwiseKernel = (rows: Float64Array[], kernel: ExactKernel): number => {
  const t = rows.length;
  if (t < 2) return NaN;
  const d = rows[0].length;
  const x = new Float64Array(t * d);
  rows.forEach((r, i) => x.set(r, i * d));
  const K = kernelMatrix(x, t, d, kernel);
  let sum = 0;
  for (let i = 0; i < t; i++) {
    for (let j = i + 1; j < t; j++) sum += K[i * t + j];
  }
  return sum / ((t * (t - 1)) / 2);
};

export { meanPairwiseKernel };
