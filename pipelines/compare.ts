// `spec-beam compare`: plan on the driver, run the Beam job, then assemble the small outputs (summary, eigenvalues,
// top samples, report) and publish the run directory atomically. A failed run leaves nothing at --out.
import * as beam from "apache-beam";
import type { SpecConfig } from "../configs/schema";
import { planRun } from "./plan";
import { resolveModel } from "./resolve-model";
import { finalize, sideNames } from "./finalize";
import { endOfRunBlock, ModeDigest } from "../report/mode-digest";
import { runExact } from "./exact-run";
import { withSignalCleanup } from "./run-signals";
import { storeJoin, storeWrite } from "../io/run-store";
import { openRunSession, RunSession } from "../io/run-session";
import { faultPoint, pausePoint } from "../io/fault";
import { featureDims } from "../method/model";
import { RUN_FILES } from "../run-dir/layout";
import { recordedFailure } from "../run-dir/files";
import type { JobSpec } from "../worker/job";
import { compareGraph } from "../transforms/compare";
import { checkRunnerConfig, makeRunner } from "../beam-runtime/runners";
import { ConfigError, configHash } from "../configs/load";
import { expandOut, isTemplate } from "./out-template";
import { inputsFingerprint } from "../io/fingerprint";
import { appendHistory, readHistory } from "../io/history";
import { historyRow, unchangedSince } from "./history";

interface CompareResult {
  outDir: string;
  summary: Record<string, unknown>;
  /** runner.dry_run: the job request was printed and nothing was published */
  dryRun?: boolean;
  /** skip_unchanged: the inputs had not changed since the last recorded run; nothing ran */
  skipped?: boolean;
}

const runCompare = async (given: SpecConfig, opts: { progress?: boolean } = {}): Promise<CompareResult> => {
  const started = Date.now();
  const progress = opts.progress ?? true;
  const log = (s: string) => {
    if (progress) process.stderr.write(`${s}\n`);
  };
  // a scheduled run's --out template is filled in first; the config hash leaves `out` out, so it is the same
  const cfg: SpecConfig = isTemplate(given.out)
    ? { ...given, out: expandOut(given.out, { now: new Date(), configHash: configHash(given), name: given.name }) }
    : given;
  // the runner options, then --out, are checked (and --out locked) before any work: a mistake costs nothing
  try {
    checkRunnerConfig(cfg);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  // a --history that is not one is refused now, not after the run has published
  const recorded = cfg.history !== undefined ? readHistory(cfg.history) : [];
  const fingerprint = cfg.history !== undefined ? inputsFingerprint(runSources(cfg), runFiles(cfg)) : undefined;
  if (fingerprint && cfg.skip_unchanged) {
    const last = unchangedSince(cfg, recorded, fingerprint);
    if (last) {
      log(`[skip] inputs unchanged since the run of ${String(last.when)} (${String(last.out)}): nothing to do`);
      return { outDir: String(last.out), summary: { skipped: true, last: last }, skipped: true };
    }
  }
  const session = openRunSession({ out: cfg.out, inputs: runInputs(cfg), overwrite: cfg.overwrite,
    command: "compare", log: log });
  let res: CompareResult;
  try {
    res = await withSignalCleanup(session, () => computeAndPublish(cfg, session, log, progress));
  } finally {
    session.abort();
  }
  if (fingerprint && !res.dryRun) {
    appendHistory(cfg.history as string, historyRow(cfg, res.summary, res.outDir, fingerprint, (Date.now() - started) / 1000));
    log(`[history] ${cfg.history}: run recorded`);
  }
  return res;
};

/** The input datasets (files, directories, globs, gs:// prefixes) and the plain files the run reads. */
const runSources = (cfg: SpecConfig): string[] =>
  [cfg.x.path, cfg.y?.path].filter((p): p is string => typeof p === "string");
const runFiles = (cfg: SpecConfig): string[] =>
  [cfg.x.ids_file, cfg.y?.ids_file].filter((p): p is string => typeof p === "string");

/** Every path the run reads: --out may be none of them, nor contain or sit inside one. */
const runInputs = (cfg: SpecConfig): string[] =>
  [cfg.x.path, cfg.y?.path, cfg.x.ids_file, cfg.y?.ids_file].filter((p): p is string => typeof p === "string");

const computeAndPublish = async (cfg: SpecConfig, session: RunSession, log: (s: string) => void,
                                 progress: boolean): Promise<CompareResult> => {
  const timings: Record<string, number> = {};
  let t = Date.now();
  const plan = planRun(cfg);
  const resolved = resolveModel(cfg, plan);
  for (const w of resolved.warnings) process.stderr.write(`[plan] warning: ${w}\n`);
  timings.plan_seconds = (Date.now() - t) / 1000;
  const dims = featureDims(resolved.model);
  log(`[plan] n=${plan.n} rows in ${plan.shards.length} shard(s); dX=${plan.x.dim} dY=${plan.y.dim}; ` +
    `M=${dims.M} features; sigma_x=${resolved.model.x.sigma.toFixed(4)} sigma_y=${resolved.model.y.sigma.toFixed(4)}`);
  await pausePoint("plan");
  const tmpDir = session.work;
  const job: JobSpec = {
    model: resolved.model, xOpts: plan.x.options, yOpts: plan.y.options, backend: cfg.compute.backend,
    threads: cfg.compute.threads, blockRows: cfg.compute.block_rows, tile: cfg.compute.tile,
    solver: cfg.compute.solver,
    method: cfg.method as "cholesky" | "direct", modes: cfg.modes, top: cfg.top, tmpDir: tmpDir, n: plan.n,
    shards: plan.shards.length, progress: progress, idSource: cfg.x.path, xSource: cfg.x.path,
    ySource: cfg.y?.path ?? cfg.x.path, pairing: plan.pairing, partRows: cfg.compute.shard_rows,
    labelColumn: cfg.report.label_column, rffCheck: cfg.report.rff_check,
  };
  t = Date.now();
  if (cfg.method === "exact") {
    runExact(plan, resolved.model, { backend: cfg.compute.backend, k: cfg.modes, top: cfg.top,
      metadataColumns: cfg.metadata_columns, tmpDir: tmpDir });
  } else {
    const runner = await makeRunner(cfg);
    try {
      await runner.run((root: beam.Root) => compareGraph(root, job, plan.shards, plan.yShards));
    } catch (e) {
      // a worker's own error (bad input named by file and row) beats the runner's "job FAILED"
      let recorded: Error | undefined;
      try {
        recorded = recordedFailure(tmpDir);
      } catch {
        // the runner's error is still worth reporting
      }
      throw recorded ?? e;
    } finally {
      await runner.close();
    }
    if (runner.dryRun) {
      // the job request was printed; nothing ran, so there is nothing to publish
      return { outDir: session.out, summary: { dry_run: true }, dryRun: true };
    }
  }
  timings.pipeline_seconds = (Date.now() - t) / 1000;
  t = Date.now();
  const summary = finalize(cfg, plan, resolved, tmpDir, timings);
  timings.finalize_seconds = (Date.now() - t) / 1000;
  storeWrite(tmpDir, RUN_FILES.summary, JSON.stringify(summary, null, 2));
  faultPoint("finalize");
  const published = session.commit();
  log(`[done] ${published}`);
  const names = sideNames(cfg);
  log(endOfRunBlock(summary.modes_digest as ModeDigest[], summary.spec_diff as { two_sided: number; x_minus_y: number; y_minus_x: number }, names.x, names.y,
    summary.n as number, storeJoin(published, RUN_FILES.report)));
  return { outDir: published, summary: summary };
};

export { runCompare, CompareResult };
