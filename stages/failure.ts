// A worker's error reaches the driver intact on every runner: before a DoFn's error propagates (where a portable
// runner reduces it to "job FAILED"), its name and message are written to the run's temporary directory, and the
// driver rethrows the first one recorded.
import * as crypto from "crypto";
import { storeList, storeReadText, storeWrite } from "../io/run-store";

interface RecordedFailure {
  name: string;
  message: string;
}

const FAILURES = "failures";

const recordFailure = (tmpDir: string, e: unknown): void => {
  try {
    const err = e instanceof Error ? e : new Error(String(e));
    const rec: RecordedFailure = { name: err.name, message: err.message };
    storeWrite(tmpDir, `${FAILURES}/${Date.now()}-${crypto.randomBytes(4).toString("hex")}.json`, JSON.stringify(rec));
  } catch {
    // best effort: the original error still propagates
  }
};

/** Runs f; on an error, records it for the driver and rethrows. */
const guarded = <T>(tmpDir: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    recordFailure(tmpDir, e);
    throw e;
  }
};

/** The earliest failure a worker recorded, as an Error with the worker's name and message. */
const recordedFailure = (tmpDir: string): Error | undefined => {
  const files = storeList(tmpDir, FAILURES);
  if (files.length === 0) return undefined;
  const rec = JSON.parse(storeReadText(tmpDir, `${FAILURES}/${files[0]}`)) as RecordedFailure;
  const err = new Error(rec.message);
  err.name = rec.name;
  return err;
};

export { guarded, recordFailure, recordedFailure };
