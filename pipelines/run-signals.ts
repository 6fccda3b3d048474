// SIGINT, SIGTERM and SIGHUP during a run: the work directory is removed and the lock released before the process
// exits (128 + signal number, as a shell reports it), so an interrupted run leaves nothing behind and the previous
// result untouched. Publishing itself is synchronous, so a signal is handled either before it or after it, never
// in the middle; SIGKILL cannot be caught, and the next run cleans up after it (io/run-session.ts).
import type { RunSession } from "../io/run-session";

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

const withSignalCleanup = async <T>(session: RunSession, body: () => Promise<T>): Promise<T> => {
  const handlers: [NodeJS.Signals, () => void][] = Object.keys(SIGNALS).map((sig) => [sig as NodeJS.Signals, () => {
    session.abort();
    process.stderr.write(`spec-beam: interrupted by ${sig}; nothing was published, ${session.out} is as it was\n`);
    process.exit(128 + SIGNALS[sig]);
  }]);
  for (const h of handlers) process.on(h[0], h[1]);
  try {
    return await body();
  } finally {
    for (const h of handlers) process.removeListener(h[0], h[1]);
  }
};

export { withSignalCleanup };
