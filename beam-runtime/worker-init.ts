// Loaded by SDK workers that run outside the driver (DOCKER containers, PROCESS workers, Dataflow VMs). The SDK's
// worker_main `require`s every module registered with requireForSerialization before it starts the worker, but a
// plain require does not register anything: our DoFns refer to "spec-beam/dist/worker/index" and
// "spec-beam/dist/beam-runtime/coders" by name, and a worker that has not registered them fails every bundle with
// "Cannot deserialize unknown builtin 'spec-beam/dist/worker/index'" (seen with PROCESS workers on Flink).
// beam-runtime/runners.ts registers this module for such runs; loading it registers our worker modules and applies
// beam-runtime/worker-patches.ts in the worker process. LOOPBACK workers live in the driver, which does both itself.
import { applyWorkerPatches, workerPatchesApplied } from "./worker-patches";
import { registerWorkerModules } from "./register";

registerWorkerModules();
applyWorkerPatches();
// in a worker this reaches the runner's log through the Fn API logging service; the driver stays quiet
if (/worker_main\.js$/.test(require.main?.filename ?? "")) {
  console.info(`spec-beam worker ${process.pid}: worker modules registered, worker patches applied: ${workerPatchesApplied()}`);
}

const WORKER_INIT_MODULE = "spec-beam/dist/beam-runtime/worker-init";

export { WORKER_INIT_MODULE, workerPatchesApplied };
