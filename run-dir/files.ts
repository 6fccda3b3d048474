// Reading and writing the run directory's intermediate entries (run-dir/layout.ts names them). Every path is built
// here, so a new intermediate file is one function pair and the writers and the reader cannot drift apart.
import * as crypto from "crypto";
import { storeList, storeReadText, storeRemove, storeRename, storeWrite } from "../io/run-store";
import { Candidate, JOINED_PART_PREFIX, RecordedFailure, RUN_FILES, ScoreTiming, scorePartName, SolutionJson } from "./layout";

const writeSolution = (dir: string, sol: SolutionJson): void =>
  storeWrite(dir, RUN_FILES.solution, JSON.stringify(sol, null, 2));

const readSolution = (dir: string): SolutionJson => JSON.parse(storeReadText(dir, RUN_FILES.solution)) as SolutionJson;

/** One mode's final top list (JSON of Candidate[]), written by the top-per-mode combine's consumer. */
const writeTop = (dir: string, mode: string, json: string): void => storeWrite(dir, `${RUN_FILES.topDir}/${mode}.json`, json);

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

/** Per bundle: `tag` must be unique among the run's score bundles. */
const writeScoreTiming = (dir: string, tag: string, timing: ScoreTiming): void =>
  storeWrite(dir, `${RUN_FILES.timingsDir}/score-${tag}.json`, JSON.stringify(timing));

const sumScoreTimings = (dir: string): ScoreTiming => {
  const sum: ScoreTiming = { rows: 0, score_seconds: 0, write_seconds: 0 };
  for (const f of storeList(dir, RUN_FILES.timingsDir)) {
    const t = JSON.parse(storeReadText(dir, `${RUN_FILES.timingsDir}/${f}`)) as ScoreTiming;
    sum.rows += t.rows;
    sum.score_seconds += t.score_seconds;
    sum.write_seconds += t.write_seconds;
  }
  return sum;
};

/** The path (relative to the run directory) of a score part. */
const scorePartPath = (name: string): string => `${RUN_FILES.scoresDir}/${name}`;

/** Part name of a shard's scores (pairing by_row: one part per shard). */
const shardPartName = (index: number, total: number): string => scorePartName(index, total);

/** Part name of a by_id bundle's seq-th part. */
const joinedPartName = (bundleTag: string, seq: number): string =>
  `${JOINED_PART_PREFIX}${bundleTag}-${String(seq).padStart(5, "0")}.parquet`;

/** by_id parts get the part-NNNNN-of-NNNNN names of by_row runs once all are known; returns every part's name. */
const nameScoreParts = (dir: string): string[] => {
  const parts = () => storeList(dir, RUN_FILES.scoresDir).filter((f) => f.endsWith(".parquet"));
  const files = parts();
  const joined = files.filter((f) => f.startsWith(JOINED_PART_PREFIX));
  if (joined.length === 0) return files;
  joined.forEach((f, i) => storeRename(dir, scorePartPath(f), scorePartPath(scorePartName(i, joined.length))));
  return parts();
};

/** The entries only workers and finalize use; what remains is what gets published. */
const removeIntermediates = (dir: string): void => {
  for (const e of [RUN_FILES.timingsDir, RUN_FILES.topDir, RUN_FILES.solution]) storeRemove(dir, e);
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

export { writeSolution, readSolution, writeTop, readTops, writeScoreTiming, sumScoreTimings, scorePartPath,
  shardPartName, joinedPartName, nameScoreParts, removeIntermediates, recordFailure, recordedFailure };
