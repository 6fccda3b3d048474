// Reading and writing the run directory's intermediate entries (run-dir/layout.ts names them). Every path is built
// here, so a new intermediate file is one function pair and the writers and the reader cannot drift apart.
import * as crypto from "crypto";
import { storeList, storeReadText, storeRemove, storeRename, storeWrite } from "../io/run-store";
import { Candidate, MapPoint, PartRecord, RecordedFailure, RUN_FILES, ScoreTiming, scorePartName, SolutionJson } from "./layout";

const writeSolution = (dir: string, sol: SolutionJson): void =>
  storeWrite(dir, RUN_FILES.solution, JSON.stringify(sol, null, 2));

const readSolution = (dir: string): SolutionJson => JSON.parse(storeReadText(dir, RUN_FILES.solution)) as SolutionJson;

/** One mode's final top list (JSON of Candidate[]), written by the top-per-mode combine's consumer. */
const writeTop = (dir: string, mode: string, json: string): void => storeWrite(dir, `${RUN_FILES.topDir}/${mode}.json`, json);

/** The map's sample (written under the top lists' directory as map.json), or undefined when the run has no map. */
const readMapSample = (dir: string): MapPoint[] | undefined => {
  if (!storeList(dir, RUN_FILES.topDir).includes("map.json")) return undefined;
  return JSON.parse(storeReadText(dir, `${RUN_FILES.topDir}/map.json`)) as MapPoint[];
};

/** Every mode's top list; a mode without one means the score pass lost it, which is an error, not an empty list. */
const readTops = (dir: string, modes: string[]): Record<string, Candidate[]> => {
  const present = new Set(storeList(dir, RUN_FILES.topDir));
  const tops: Record<string, Candidate[]> = {};
  for (const m of modes) {
    if (!present.has(`${m}.json`)) throw new Error(`the score pass produced no top samples for mode ${m}`);
    tops[m] = JSON.parse(storeReadText(dir, `${RUN_FILES.topDir}/${m}.json`)) as Candidate[];
  }
  return tops;
};

/** The path (relative to the run directory) of a published score part. */
const scorePartPath = (name: string): string => `${RUN_FILES.scoresDir}/${name}`;

/** The path (relative to the run directory) of a part written but not yet committed. */
const pendingPartPath = (file: string): string => `${RUN_FILES.pendingDir}/${file}`;

/** A part's pending name: unique per bundle attempt, so a retried attempt never overwrites a kept one. */
const pendingPartName = (bundleTag: string, seq: number): string => `${bundleTag}-${String(seq).padStart(5, "0")}.parquet`;

/** The list of parts the runner kept (one writer: the score pass's manifest step, or the exact method). */
const writePartsManifest = (dir: string, parts: PartRecord[]): void =>
  storeWrite(dir, RUN_FILES.partsManifest, JSON.stringify(parts));

/** by_row (shards given): every shard exactly once, named by its index; by_id: numbered in file-name order. */
const publishedNames = (parts: PartRecord[], shards?: number): { file: string; name: string }[] => {
  if (shards === undefined) {
    const sorted = parts.map((p) => p.file).sort();
    return sorted.map((f, i) => ({ file: f, name: scorePartName(i, sorted.length) }));
  }
  const seen = new Map<number, string>();
  for (const p of parts) {
    if (p.shard === null || p.shard < 0 || p.shard >= shards) throw new Error(`score part ${p.file}: shard ${p.shard} of ${shards}`);
    const other = seen.get(p.shard);
    if (other !== undefined) throw new Error(`shard ${p.shard} was scored twice (${other}, ${p.file})`);
    seen.set(p.shard, p.file);
  }
  if (seen.size !== shards) throw new Error(`the score pass wrote ${seen.size} part file(s), expected ${shards}`);
  return parts.map((p) => ({ file: p.file, name: scorePartName(p.shard as number, shards) }));
};

/**
 * Moves the manifest's parts to scores/part-NNNNN-of-NNNNN.parquet and removes the pending directory with whatever
 * failed attempts left there. Returns the published names and the timings summed over the committed parts.
 */
const commitScoreParts = (dir: string, shards?: number): { files: string[]; timing: ScoreTiming } => {
  let text: string;
  try {
    text = storeReadText(dir, RUN_FILES.partsManifest);
  } catch (e) {
    throw new Error(`the score pass wrote no parts manifest (${RUN_FILES.partsManifest}): ${(e as Error).message}`);
  }
  const parts = JSON.parse(text) as PartRecord[];
  const pending = new Set(storeList(dir, RUN_FILES.pendingDir));
  for (const p of parts) {
    if (!pending.has(p.file)) throw new Error(`score part ${p.file} is listed as written but is not in ${RUN_FILES.pendingDir}/`);
  }
  const named = publishedNames(parts, shards);
  for (const n of named) storeRename(dir, pendingPartPath(n.file), scorePartPath(n.name));
  storeRemove(dir, RUN_FILES.pendingDir);
  storeRemove(dir, RUN_FILES.partsManifest);
  const timing: ScoreTiming = { rows: 0, score_seconds: 0, write_seconds: 0 };
  for (const p of parts) {
    timing.rows += p.rows;
    timing.score_seconds += p.score_seconds;
    timing.write_seconds += p.write_seconds;
  }
  return { files: named.map((n) => n.name).sort(), timing: timing };
};

/** The entries only workers and finalize use; what remains is what gets published. */
const removeIntermediates = (dir: string): void => {
  for (const e of [RUN_FILES.topDir, RUN_FILES.solution]) storeRemove(dir, e);
};

/** Best effort: the worker's original error still propagates when the record cannot be written. */
const recordFailure = (dir: string, e: unknown): void => {
  try {
    const err = e instanceof Error ? e : new Error(String(e));
    const rec: RecordedFailure = { name: err.name, message: err.message };
    storeWrite(dir, `${RUN_FILES.failuresDir}/${Date.now()}-${crypto.randomBytes(4).toString("hex")}.json`, JSON.stringify(rec));
  } catch {
    // nothing more to do: the error is rethrown by the caller
  }
};

/**
 * The earliest failure a worker recorded, as an Error with the worker's name and message: a portable runner reduces
 * a DoFn's error to "job FAILED", and the user needs the file and row the worker named.
 */
const recordedFailure = (dir: string): Error | undefined => {
  const files = storeList(dir, RUN_FILES.failuresDir);
  if (files.length === 0) return undefined;
  const rec = JSON.parse(storeReadText(dir, `${RUN_FILES.failuresDir}/${files[0]}`)) as RecordedFailure;
  const err = new Error(rec.message);
  err.name = rec.name;
  return err;
};

export { writeSolution, readSolution, writeTop, readTops, readMapSample, scorePartPath, pendingPartPath, pendingPartName,
  writePartsManifest, commitScoreParts, removeIntermediates, recordFailure, recordedFailure };
