// The plain-TypeScript backend: runs everywhere, and is the oracle the native backend is tested against.
import type { LinalgBackend } from "./backend";
import { syrkAccumulate } from "./portable/syrk";
import { gemm } from "./portable/gemm";
import { cholesky } from "./portable/cholesky";
import { eig, eigh, eighEnds, eighRange } from "./portable/eigen";
import { choleskyInPlace, lowerTimes, signedOuterInPlace } from "./portable/solver-ops";
import { rffFeatures } from "./portable/rff";

export const portableBackend: LinalgBackend = {
  name: "portable",
  syrkAccumulate: syrkAccumulate,
  gemm: gemm,
  cholesky: cholesky,
  eigh: eigh,
  eighRange: eighRange,
  choleskyInPlace: choleskyInPlace,
  signedOuterInPlace: signedOuterInPlace,
  lowerTimes: lowerTimes,
  eighEnds: eighEnds,
  eig: eig,
  rffFeatures: rffFeatures,
};
