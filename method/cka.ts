// Kernel CKA (centred kernel alignment) of the two embeddings, from the same Gram matrix as SPEC: with centred
// features Phi~ = H Phi (H = I - 11^T/n), the centred kernels are K~ = Phi~ Phi~^T, so
//   tr(K~_X K~_Y) = ||Phi~_X^T Phi~_Y||_F^2 = n^2 ||C~_XY||_F^2,   C~ = C - mu mu^T,  mu = colSum / n,
// and CKA = tr(K~_X K~_Y) / sqrt(tr(K~_X^2) tr(K~_Y^2)) = ||C~_XY||_F^2 / (||C~_XX||_F ||C~_YY||_F).
// This is the standard (biased-HSIC) CKA of Kornblith et al. 2019 for the kernels the features define; it costs
// O(M^2) once C exists. 1 for identical views, 0 for independent ones.

/** CKA of the X block [0, DX) and the Y block [DX, DX + DY) of the M x M C (= Phi^T Phi / n). */
const kernelCka = (C: Float64Array, colSum: Float64Array, n: number, DX: number, DY: number): number => {
  const M = DX + DY;
  const mu = Float64Array.from(colSum, (v) => v / n);
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < M; i++) {
    const row = i * M;
    for (let j = 0; j < M; j++) {
      const c = C[row + j] - mu[i] * mu[j];
      const sq = c * c;
      if (i < DX && j < DX) xx += sq;
      else if (i >= DX && j >= DX) yy += sq;
      else xy += sq;
    }
  }
  // xy counted both C~_XY and C~_YX
  return xy / 2 / Math.sqrt(xx * yy);
};

export { kernelCka };
