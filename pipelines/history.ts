// Scheduled runs: the history row a published compare appends (io/history.ts), the `--skip-unchanged` check, and
// `spec-beam history PATH --out DIR`, the trend report (SPEC-diff and CKA of each pair over time).
import type { SpecConfig } from "../configs/schema";
import { configHash } from "../configs/load";
import { HistoryRow, readHistory } from "../io/history";
import type { Fingerprint } from "../io/fingerprint";
import { runnerDescription } from "../beam-runtime/runners";
import { packageVersion } from "./versions";
import { sideNames } from "./finalize";
import { renderTrend, TrendRun } from "../report/trend-html";
import { openRunSession } from "../io/run-session";
import { withSignalCleanup } from "./run-signals";
import { storeWrite } from "../io/run-store";
import { HistoryError } from "../io/errors";

/** The row a published run appends. */
const historyRow = (cfg: SpecConfig, summary: Record<string, unknown>, outDir: string, fp: Fingerprint,
                    totalSeconds: number): HistoryRow => {
  const ev = summary.eigenvalues as { positive: number[]; negative: number[] };
  const d = summary.spec_diff as { two_sided: number; x_minus_y: number; y_minus_x: number };
  const t = summary.timings as Record<string, number>;
  const names = sideNames(cfg);
  return {
    when: new Date().toISOString(), name: cfg.name, config_hash: configHash(cfg), out: outDir,
    runner: runnerDescription(cfg), n: summary.n as number, x: names.x, y: names.y,
    inputs: JSON.stringify(fp.files), inputs_fingerprint: fp.hash,
    spec_diff: d.two_sided, spec_diff_x_minus_y: d.x_minus_y, spec_diff_y_minus_x: d.y_minus_x,
    cka: (summary.cka as number | null) ?? null,
    eigenvalues_positive: JSON.stringify(ev.positive), eigenvalues_negative: JSON.stringify(ev.negative),
    pipeline_seconds: t.pipeline_seconds ?? null, total_seconds: totalSeconds, tool_version: packageVersion("spec-beam"),
  };
};

/** The last run of this config in `rows` if its inputs had this fingerprint (then there is nothing new to do). */
const unchangedSince = (cfg: SpecConfig, rows: HistoryRow[], fp: Fingerprint): HistoryRow | undefined => {
  const hash = configHash(cfg);
  const mine = rows.filter((r) => r.config_hash === hash);
  const last = mine[mine.length - 1];
  return last && last.inputs_fingerprint === fp.hash ? last : undefined;
};

const pairOf = (r: HistoryRow): string => `${String(r.name)}: ${String(r.x)} vs ${String(r.y)}`;

export { historyRow, unchangedSince, pairOf };

/** `spec-beam history PATH --out DIR`: the trend report, published with the same guarantees as a run. */
const runHistoryReport = async (source: string, out: string, overwrite: boolean): Promise<string> => {
  const rows = readHistory(source);
  if (rows.length === 0) throw new HistoryError(`${source}: no history there (no file, or no runs recorded yet)`);
  const runs: TrendRun[] = rows.map((r) => ({
    when: String(r.when), pair: pairOf(r), specDiff: Number(r.spec_diff), cka: r.cka === null ? null : Number(r.cka),
    out: String(r.out), configHash: String(r.config_hash), n: Number(r.n),
  }));
  const session = openRunSession({ out: out, inputs: [source], overwrite: overwrite, command: "history", log: () => undefined });
  try {
    return await withSignalCleanup(session, async () => {
      storeWrite(session.work, "index.html", renderTrend(source, runs));
      storeWrite(session.work, "runs.json", JSON.stringify(rows, null, 2));
      return session.commit();
    });
  } finally {
    session.abort();
  }
};

export { runHistoryReport };
