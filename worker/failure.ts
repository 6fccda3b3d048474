// A worker's error reaches the driver intact on every runner: before a DoFn's error propagates (where a portable
// runner reduces it to "job FAILED"), its name and message are recorded in the run directory
// (run-dir/files.ts), and the driver rethrows the first one recorded.
import { recordFailure } from "../run-dir/files";

/** Runs f; on an error, records it for the driver and rethrows. */
const guarded = <T>(tmpDir: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    recordFailure(tmpDir, e);
    throw e;
  }
};

export { guarded };
