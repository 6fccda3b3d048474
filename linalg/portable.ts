// The plain-TypeScript backend: runs everywhere, and is the oracle the native backend is tested against.
import type { LinalgBackend } from "./backend";
import { syrkAccumulate } from "./portable/syrk";
import { gemm } from "./portable/gemm";
import { cholesky } from "./portable/cholesky";
import { eig, eigh, eighRange } from "./portable/eigen";
import { rffFeatures } from "./portable/rff";

export const portableBackend: LinalgBackend = {
  name: "portable",
  syrkAccumulate: syrkAccumulate,
  gemm: gemm,
  cholesky: cholesky,
  eigh: eigh,
  eighRange: eighRange,
  eig: eig,
  rffFeatures: rffFeatures,
};
