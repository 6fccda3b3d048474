// Beam's serialiser ships DoFns as closures. Our worker code is registered as named modules instead, so workers
// `require` it (no code shipped, none of the closure transform's miscompiles can reach it). Note the SDK's
// requireForSerialization registers nothing unless the module's exports are passed explicitly.
import { requireForSerialization } from "apache-beam/serialization";
import * as stages from "../worker/index";
import * as support from "./coders";

let registered = false;
const registerWorkerModules = (): void => {
  if (registered) return;
  registered = true;
  requireForSerialization("spec-beam/dist/worker/index", stages);
  requireForSerialization("spec-beam/dist/beam-runtime/coders", support);
};

export { registerWorkerModules };
