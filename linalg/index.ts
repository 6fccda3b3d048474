// Backend selection: `auto` uses the native addon when it loads, else the portable one. The environment variable
// SPEC_BEAM_BACKEND (auto|native|portable) overrides an `auto` request.
import type { LinalgBackend } from "./backend";
import { portableBackend } from "./portable";

export type { EigResult, EighResult, LinalgBackend, RffLayout, Vec } from "./backend";
export { portableBackend } from "./portable";

export type BackendChoice = "auto" | "native" | "portable";

export interface BackendInfo {
  name: "native" | "portable";
  openblasCoreType?: string;
  openblasConfig?: string;
  threads?: number;
}

// The native module is required lazily so that importing linalg/ never touches the addon unless asked to.
type NativeModule = typeof import("./native");
let nativeModule: NativeModule | undefined;
const loadNativeModule = (): NativeModule => {
  if (nativeModule === undefined) {
    nativeModule = require("./native") as NativeModule;
  }
  return nativeModule;
};

const parseChoice = (value: string, source: string): BackendChoice => {
  if (value === "auto" || value === "native" || value === "portable") return value;
  throw new Error(`linalg getBackend: ${source} = "${value}" is not one of auto, native, portable`);
};

export const getBackend = (choice: BackendChoice = "auto"): LinalgBackend => {
  let c = parseChoice(choice, "backend choice");
  const env = process.env.SPEC_BEAM_BACKEND;
  if (c === "auto" && env !== undefined && env !== "") c = parseChoice(env, "environment variable SPEC_BEAM_BACKEND");
  if (c === "portable") return portableBackend;
  if (c === "native") return loadNativeModule().loadNativeBackend();
  return loadNativeModule().tryLoadNativeBackend() ?? portableBackend;
};

export const backendInfo = (b: LinalgBackend): BackendInfo => {
  if (b.name !== "native") return { name: b.name };
  const cfg = loadNativeModule().nativeConfig();
  return { name: "native", openblasCoreType: cfg.corename, openblasConfig: cfg.config, threads: cfg.threads };
};

/** Sets the number of OpenBLAS threads (native backend only; loads the addon, throws if it cannot). */
export const setThreads = (n: number): void => {
  if (!Number.isInteger(n) || n < 1) throw new Error(`linalg setThreads: n = ${n} must be a positive integer`);
  loadNativeModule().nativeSetThreads(n);
};
