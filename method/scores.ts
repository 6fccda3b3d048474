// Per-sample scores for the selected modes: u = Phi v, one GEMM per block of rows (docs/method.md section 4).
import type { LinalgBackend, Vec } from "../linalg/backend";

/** rows x K scores (row-major) of the rows x M block phi against the M x K mode matrix V. */
export const scoreBlock = (backend: LinalgBackend, phi: Vec, rows: number, M: number, V: Float64Array,
                           K: number): Float64Array => {
  if (phi.length < rows * M) throw new RangeError(`scoreBlock: block holds ${phi.length} values, need ${rows} x ${M}`);
  if (V.length !== M * K) throw new RangeError(`scoreBlock: V holds ${V.length} values, expected ${M} x ${K}`);
  if (rows === 0 || K === 0) return new Float64Array(rows * K);
  // gemm is float64-only; a float32 block is widened once per block (scores are formed in float64).
  const a = phi instanceof Float64Array ? phi.subarray(0, rows * M) : Float64Array.from(phi.subarray(0, rows * M));
  return backend.gemm(a, V, rows, M, K);
};
