// A failed Flink job's root cause in one line. The job server logs each failure as nested Java stack traces
// (JobExecutionException -> JobException "Recovery is suppressed" -> ExecutionException -> RuntimeException "Error
// received from SDK harness ..." -> the worker's own error); the user needs only the innermost message, so the
// CLI prints that, with the log's path for the rest, instead of dozens of akka frames.
import * as fs from "fs";

const CAUSE = /^Caused by: (.+)$/;
const THROWABLE = /^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)(?::|$)/;
// wrappers that add nothing to the message they carry
const WRAPPERS: RegExp[] = [
  /^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): (?=(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b)/,
  /^java\.lang\.RuntimeException: Error received from SDK harness for instruction [\w-]+: /,
];
const MAX_CHARS = 600;

/** The innermost cause of the last stack trace in a log, unwrapped; undefined when the log holds no exception. */
const rootCauseFromLog = (log: string): string | undefined => {
  const lines = log.split("\n").map((l) => l.trimEnd());
  let cause: string | undefined;
  let causeLine = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = CAUSE.exec(lines[i].trim());
    if (m) {
      cause = m[1];
      causeLine = i;
      break;
    }
  }
  // a trace without "Caused by:" lines: its own first line is the cause
  for (let i = lines.length - 1; i > causeLine; i--) {
    if (THROWABLE.test(lines[i].trim()) && !/^\s*at /.test(lines[i])) {
      cause = lines[i].trim();
      break;
    }
  }
  if (cause === undefined) return undefined;
  let text: string = cause;
  for (let before = ""; before !== text;) {
    before = text;
    for (const w of WRAPPERS) text = text.replace(w, "");
  }
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}...` : text;
};

/** The root cause from the end of a log file (the last 256 KiB: the failure is logged last). */
const rootCauseFromLogFile = (file: string): string | undefined => {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return rootCauseFromLog(buf.toString("utf8"));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
};

export { rootCauseFromLog, rootCauseFromLogFile };
