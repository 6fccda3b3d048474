// A worker's error reaches the driver intact on every runner: before a DoFn's error propagates (where a portable
// runner reduces it to "job FAILED"), its name and message are written to the run's temporary directory, and the
// driver rethrows the first one recorded.
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";

interface RecordedFailure {
  name: string;
  message: string;
}

const FAILURES = "failures";

const recordFailure = (tmpDir: string, e: unknown): void => {
  try {
    const err = e instanceof Error ? e : new Error(String(e));
    const dir = path.join(tmpDir, FAILURES);
    fs.mkdirSync(dir, { recursive: true });
    const rec: RecordedFailure = { name: err.name, message: err.message };
    fs.writeFileSync(path.join(dir, `${Date.now()}-${crypto.randomBytes(4).toString("hex")}.json`), JSON.stringify(rec));
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
  const dir = path.join(tmpDir, FAILURES);
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).sort();
  if (files.length === 0) return undefined;
  const rec = JSON.parse(fs.readFileSync(path.join(dir, files[0]), "utf8")) as RecordedFailure;
  const err = new Error(rec.message);
  err.name = rec.name;
  return err;
};

export { guarded, recordFailure, recordedFailure };
