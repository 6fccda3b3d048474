// The small, serialisable description of one SPEC run's feature space. It crosses every Beam boundary instead of
// the omegas themselves: each worker regenerates the identical omegas from (seed, stream) (method/omegas.ts).
import type { LinalgBackend, Vec } from "../linalg/backend";
import { FeatureMap, featuresInto, makeFeatureMap } from "./features";

interface SideModel {
  kernel: "gaussian" | "cosine";
  d: number;
  /** gaussian: frequencies (features = 2m); cosine: unused */
  m: number;
  /** gaussian bandwidth; cosine: unused (0) */
  sigma: number;
  /** PRNG stream of the omegas: "x", "y", or "shared" */
  stream: string;
  /**
   * gaussian with the float32 projection: the point the rows are centred on before X W (the mean of the plan-time
   * sample; any fixed point gives the same features, see RffCentring), d values; absent: no centring
   */
  center?: number[];
}

interface SpecModel {
  seed: number;
  x: SideModel;
  y: SideModel;
  eta: number;
  /** SYRK input precision; sums are float64 either way */
  precision: "float64" | "float32";
  /** precision of the projection X W of the gaussian features (absent: float64) */
  projection?: "float64" | "float32";
}

interface FeaturePair {
  fx: FeatureMap;
  fy: FeatureMap;
  DX: number;
  DY: number;
  M: number;
}

const sideMap = (seed: number, s: SideModel, projection: SpecModel["projection"]): FeatureMap =>
  makeFeatureMap({ kernel: s.kernel, d: s.d, m: s.kernel === "gaussian" ? s.m : undefined,
    sigma: s.kernel === "gaussian" ? s.sigma : undefined, seed: seed, stream: s.stream,
    projection: projection ?? "float64", center: s.center });

const featurePair = (model: SpecModel): FeaturePair => {
  const fx = sideMap(model.seed, model.x, model.projection);
  const fy = sideMap(model.seed, model.y, model.projection);
  return { fx: fx, fy: fy, DX: fx.dim, DY: fy.dim, M: fx.dim + fy.dim };
};

const featureDims = (model: SpecModel): { DX: number; DY: number; M: number } => {
  const dim = (s: SideModel) => (s.kernel === "gaussian" ? 2 * s.m : s.d);
  return { DX: dim(model.x), DY: dim(model.y), M: dim(model.x) + dim(model.y) };
};

/** Phi = [phi_X(x_i), phi_Y(y_i)] for a block of paired rows, into `out` (rows x M, row-major). */
const phiBlock = (backend: LinalgBackend, pair: FeaturePair, x: Vec, y: Vec, rows: number, out: Vec): void => {
  featuresInto(backend, pair.fx, x, rows, out, pair.M, 0);
  featuresInto(backend, pair.fy, y, rows, out, pair.M, pair.DX);
};

export { SideModel, SpecModel, FeaturePair, featurePair, featureDims, phiBlock };
