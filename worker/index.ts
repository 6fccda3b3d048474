// The worker API: everything a DoFn calls. beam-runtime/register.ts registers this module with Beam's serialiser,
// so DoFns refer to these functions and classes by module name instead of shipping their code: workers require
// the module themselves (`spec-beam/dist/worker/index`, resolvable through node_modules/spec-beam).
export { GramWorker } from "./gram-stage";
export { solveTiles } from "./solve-stage";
export { ScoreWorker, topCombine } from "./score-stage";
export { MAP_KEY, mapCombine } from "./map-sample";
export { writeTop } from "../run-dir/files";
export { sumBytes } from "./bytes";
export { checkIdBucket } from "./ids";
export { keyedRowsOfShard, pairRows } from "./keyed-rows";
export { guarded } from "./failure";
export { isPartKey, writeManifest } from "./parts";
