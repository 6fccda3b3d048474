// The Beam SDK's workers print per-bundle chatter on stdout ("Processing for bundle_id", ...), which would
// corrupt the CLI's machine-readable stdout. While a job runs, console.log/info/debug are silenced and the runner's
// normal end-of-job gRPC hang-up (reported as an error) and the LOOPBACK worker's "Control channel closed." notice
// (a cluster closing a finished job's environments) are dropped; real errors and warnings still reach stderr.
const withQuietConsole = async <T>(f: () => Promise<T>): Promise<T> => {
  const saved = { log: console.log, info: console.info, debug: console.debug, error: console.error, warn: console.warn };
  console.log = () => undefined;
  console.info = () => undefined;
  console.debug = () => undefined;
  console.error = (...args: unknown[]) => {
    const err = args[1] as { code?: number } | undefined;
    if (args[0] === "Data channel error" && err && err.code === 1) return;
    saved.error(...args);
  };
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && args[0] === "Control channel closed.") return;
    saved.warn(...args);
  };
  try {
    return await f();
  } finally {
    console.log = saved.log;
    console.info = saved.info;
    console.debug = saved.debug;
    console.error = saved.error;
    console.warn = saved.warn;
  }
};

export { withQuietConsole };
