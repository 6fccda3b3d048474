// Progress of the long stages (Gram pass, score pass) on stderr. On a terminal: one live bar per stage (rows done
// of n, rows/s, elapsed, ETA; cli-progress). Otherwise (a log file, CI, a pipe): the plain per-shard lines, each
// with the running rate and ETA, so a log stays readable line by line.
import { SingleBar } from "cli-progress";

interface StageProgress {
  /** `rows` more rows are done; `line` is the plain-mode line describing them */
  advance(rows: number, line: string): void;
}

/** One bar per stage per process: a stage's DoFn instances share it. */
const bars = new Map<string, { bar: SingleBar; done: number; total: number; t0: number }>();

const live = (): boolean => process.stderr.isTTY === true && process.env.SPEC_BEAM_PLAIN_PROGRESS !== "1";

const rateAndEta = (done: number, total: number, seconds: number): string => {
  const rate = done / Math.max(seconds, 1e-9);
  const eta = done >= total ? 0 : (total - done) / rate;
  return `${Math.round(rate)} rows/s, ${seconds.toFixed(1)} s elapsed, ETA ${eta.toFixed(1)} s`;
};

/** The stage's live bar, started (at 0 rows) when the stage starts or after its previous run completed. */
const liveBar = (stage: string, total: number): { bar: SingleBar; done: number; total: number; t0: number } => {
  let b = bars.get(stage);
  if (b === undefined || b.done >= b.total) {
    const bar = new SingleBar({
      stream: process.stderr, hideCursor: false, clearOnComplete: false, etaBuffer: 50, fps: 5,
      format: `[${stage}] {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | {duration}s elapsed | ETA {eta}s`,
    });
    bar.start(total, 0, { rate: 0 });
    b = { bar: bar, done: 0, total: total, t0: Date.now() };
    bars.set(stage, b);
  }
  return b;
};

const stageProgress = (stage: string, total: number, enabled: boolean): StageProgress => {
  const t0 = Date.now();
  let done = 0;
  if (enabled && live()) liveBar(stage, total);
  return {
    advance: (rows: number, line: string): void => {
      if (!enabled) return;
      if (!live()) {
        done += rows;
        process.stderr.write(`${line} [${done}/${total} rows, ${rateAndEta(done, total, (Date.now() - t0) / 1000)}]\n`);
        return;
      }
      const b = liveBar(stage, total);
      b.done += rows;
      b.bar.update(b.done, { rate: Math.round(b.done / Math.max((Date.now() - b.t0) / 1000, 1e-9)) });
      if (b.done >= b.total) b.bar.stop();
    },
  };
};

export { stageProgress, StageProgress };
