// Which of the 2k extreme eigenpairs are modes. The solver returns the k largest and the k smallest eigenvalues
// whatever their sign, so with fewer than k eigenvalues of one sign (small M, low-rank data, a large --modes) the
// two lists overlap or reach numerical zeros: a negative value was listed as mode +j. A positive mode needs
// lambda > tol, a negative one lambda < -tol, with ONE tolerance
//   tol = max(1e-8 * max|lambda|, 100 * eps)
// where eps is the Cholesky shift (method/solver.ts; 0 for the direct and exact methods): the shift splits exact
// zeros into +-O(sqrt(eps)) before refinement and leaves refined zeros at O(eps), and 1e-8 relative is far below
// the random-feature error (~1/sqrt(m)) while far above float64 rounding. Null modes (u = Phi v ~ 0) are never modes.

interface ModeSelection {
  /** indices into the positive list (descending) and the negative list (most negative first) that are modes */
  positive: number[];
  negative: number[];
  tolerance: number;
}

const selectModes = (positive: ArrayLike<number>, negative: ArrayLike<number>, eps: number,
                     nullPositive: number[] = [], nullNegative: number[] = []): ModeSelection => {
  let maxAbs = 0;
  for (const list of [positive, negative]) {
    for (let j = 0; j < list.length; j++) maxAbs = Math.max(maxAbs, Math.abs(list[j]));
  }
  const tol = Math.max(1e-8 * maxAbs, 100 * eps);
  const pick = (list: ArrayLike<number>, sign: number, nulls: number[]): number[] => {
    const out: number[] = [];
    for (let j = 0; j < list.length; j++) if (sign * list[j] > tol && !nulls.includes(j)) out.push(j);
    return out;
  };
  return { positive: pick(positive, 1, nullPositive), negative: pick(negative, -1, nullNegative), tolerance: tol };
};

export { selectModes, ModeSelection };
