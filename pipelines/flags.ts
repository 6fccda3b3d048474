// Command-line flags of `spec-beam compare`, each mapped onto a config path of configs/schema.ts, so that flags,
// `--set` and config files share one validation.
import { configSchema } from "../configs/schema";

type FlagKind = "string" | "number" | "sigma" | "bool" | "list";

type Command = "compare" | "align" | "sigma";

interface FlagDef {
  paths: string[];
  kind: FlagKind;
  help: string;
  /** the commands that take the flag (default: compare only) */
  commands?: Command[];
  /** the value's name in the help (default by kind) */
  value?: string;
}

const BOTH: Command[] = ["compare", "align"];
/** the input flags `sigma` shares with compare and align */
const INPUT: Command[] = ["compare", "align", "sigma"];
const ALIGN: Command[] = ["align"];

const FLAGS: Record<string, FlagDef> = {
  "x": { paths: ["x.path"], kind: "string", help: "embedding X: file, directory, glob or gs:// path", commands: INPUT, value: "PATH" },
  "y": { paths: ["y.path"], kind: "string", help: "embedding Y (omit when Y is a second column of X's table)", commands: INPUT, value: "PATH" },
  "x-column": { paths: ["x.column"], kind: "string", help: "vector column / .npz array of X", commands: INPUT, value: "NAME" },
  "y-column": { paths: ["y.column"], kind: "string", help: "vector column / .npz array of Y", commands: INPUT, value: "NAME" },
  "id-column": { paths: ["x.id_column", "y.id_column"], kind: "string", help: "id column of both sources", commands: INPUT, value: "NAME" },
  "x-id-column": { paths: ["x.id_column"], kind: "string", help: "id column of X", commands: INPUT, value: "NAME" },
  "y-id-column": { paths: ["y.id_column"], kind: "string", help: "id column of Y", commands: INPUT, value: "NAME" },
  "x-ids-file": { paths: ["x.ids_file"], kind: "string", help: "ids of X's rows, one per line (.npy/.npz)", commands: INPUT, value: "FILE" },
  "y-ids-file": { paths: ["y.ids_file"], kind: "string", help: "ids of Y's rows, one per line (.npy/.npz)", commands: INPUT, value: "FILE" },
  "pairing": { paths: ["pairing"], kind: "string", help: "by_row | by_id" },
  "metadata": { paths: ["metadata_columns"], kind: "list", help: "comma-separated columns of X carried to outputs" },
  "kernel": { paths: ["kernel.type"], kind: "string", help: "gaussian | cosine" },
  "sigma-x": { paths: ["kernel.sigma_x"], kind: "sigma", help: "Gaussian bandwidth of X, auto (median heuristic) or checked (spectrum-checked)" },
  "sigma-y": { paths: ["kernel.sigma_y"], kind: "sigma", help: "Gaussian bandwidth of Y, auto or checked" },
  "rff": { paths: ["kernel.rff"], kind: "number", help: "random Fourier frequencies per embedding" },
  "share-omegas": { paths: ["kernel.share_omegas"], kind: "bool", help: "same frequencies for X and Y (dX = dY)" },
  "eta": { paths: ["eta"], kind: "number", help: "weight of Y in Lambda = (K_X - eta K_Y) / n" },
  "method": { paths: ["method"], kind: "string", help: "cholesky | direct | exact" },
  "modes": { paths: ["modes"], kind: "number", help: "eigenpairs per side" },
  "top": { paths: ["top"], kind: "number", help: "top samples listed per mode" },
  "seed": { paths: ["seed"], kind: "number", help: "seed of the random features", commands: INPUT },
  "out": { paths: ["out"], kind: "string", help: "output directory (published only when the run succeeds)", commands: BOTH, value: "DIR" },
  "overwrite": { paths: ["overwrite"], kind: "bool", help: "replace the spec-beam run already at --out", commands: BOTH },
  "history": { paths: ["history"], kind: "string", help: "Parquet file (local or gs://) that gets one row per run",
    value: "PATH" },
  "skip-unchanged": { paths: ["skip_unchanged"], kind: "bool",
    help: "with --history: do nothing if the inputs are unchanged since the last run of this config" },
  "name": { paths: ["name"], kind: "string", help: "a title for the report", value: "TEXT" },
  "image-column": { paths: ["report.image_column"], kind: "string",
    help: "column of X with images: data URIs, paths or URLs (report)", value: "NAME" },
  "text-column": { paths: ["report.text_column"], kind: "string", help: "column of X with text shown as cards (report)",
    value: "NAME" },
  "label-column": { paths: ["report.label_column"], kind: "string", help: "column of X with labels (report)", value: "NAME" },
  "rff-check": { paths: ["report.rff_check"], kind: "bool",
    help: "estimate the random-feature error from two halves of the frequencies (=false saves ~1 s at M = 4000)" },
  "gallery": { paths: ["report.samples_shown"], kind: "number", help: "samples drawn per mode in the report" },
  "runner": { paths: ["runner.type"], kind: "string", help: "direct | flink | dataflow" },
  "flink-master": { paths: ["runner.flink_master"], kind: "string", help: "[local] or host:port", value: "HOST:PORT" },
  "job-endpoint": { paths: ["runner.job_endpoint"], kind: "string", help: "a running Beam job server", value: "HOST:PORT" },
  "flink-job-server-jar": { paths: ["runner.flink_job_server_jar"], kind: "string", help: "job server jar", value: "JAR" },
  "stage-runner-jars": { paths: ["runner.stage_runner_jars"], kind: "bool",
    help: "upload the runner's jars with each Flink job (=false: the cluster has them)" },
  "parallelism": { paths: ["runner.parallelism"], kind: "number", help: "engine parallelism" },
  "environment-type": { paths: ["runner.environment_type"], kind: "string", help: "LOOPBACK | DOCKER | PROCESS" },
  "sdk-container-image": { paths: ["runner.sdk_container_image"], kind: "string", help: "worker image", value: "IMAGE" },
  "project": { paths: ["runner.project"], kind: "string", help: "GCP project (dataflow)", value: "ID" },
  "region": { paths: ["runner.region"], kind: "string", help: "GCP region (dataflow)", value: "REGION" },
  "temp-location": { paths: ["runner.temp_location"], kind: "string", help: "gs:// temp location (dataflow)", value: "GS_PATH" },
  "dry-run": { paths: ["runner.dry_run"], kind: "bool", help: "print the job that would be submitted, then stop" },
  "backend": { paths: ["compute.backend"], kind: "string", help: "auto | native | portable", commands: INPUT },
  "block-rows": { paths: ["compute.block_rows"], kind: "number", help: "rows per SYRK block" },
  "tile": { paths: ["compute.tile"], kind: "number", help: "Gram tile edge" },
  "precision": { paths: ["compute.precision"], kind: "string", help: "float64 | float32 SYRK input" },
  "projection": { paths: ["compute.projection"], kind: "string",
    help: "float64 | float32 random-feature projection X W" },
  "solver": { paths: ["compute.solver"], kind: "string", help: "auto | full | lanczos eigensolver (method cholesky)" },
  "threads": { paths: ["compute.threads"], kind: "number", help: "BLAS threads (0 = default)" },
  "shard-rows": { paths: ["compute.shard_rows"], kind: "number", help: "rows per shard for unchunked files" },
  "steps": { paths: ["align.steps"], kind: "number", help: "align: optimiser steps", commands: ALIGN },
  "batch": { paths: ["align.batch"], kind: "number", help: "align: paired samples per minibatch", commands: ALIGN },
  "lr": { paths: ["align.lr"], kind: "number", help: "align: step size (W's operator norm per step; Adam's is lr / sqrt(dY))", commands: ALIGN },
  "reg": { paths: ["align.reg"], kind: "number", help: "align: weight of ||W - Q||_F^2, Q the nearest orthogonal map", commands: ALIGN },
  "max-rows": { paths: ["align.max_rows"], kind: "number", help: "align: rows loaded (evenly from the shards)", commands: ALIGN },
  "rows": { paths: ["kernel.auto_sigma_rows"], kind: "number", help: "sigma: rows sampled (spread over the shards)",
    commands: ["sigma"] },
  "json": { paths: ["__json"], kind: "bool", help: "sigma: print the check as JSON", commands: ["sigma"] },
  "patience": { paths: ["align.patience"], kind: "number",
    help: "align: stop after this many validation checks without improvement (0: never)", commands: ALIGN },
  "holdout": { paths: ["align.holdout"], kind: "number", help: "align: rows held out for evaluation", commands: ALIGN },
};

class UsageError extends Error {}

interface ParsedArgs {
  config?: string;
  sets: string[];
  flags: Record<string, unknown>;
  help: boolean;
}

const parseValue = (flag: string, kind: FlagKind, raw: string): unknown => {
  if (kind === "number") {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) throw new UsageError(`--${flag}: expected a number, got '${raw}'`);
    return v;
  }
  if (kind === "sigma") {
    if (raw === "auto" || raw === "checked") return raw;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) throw new UsageError(`--${flag}: expected a number, auto or checked, got '${raw}'`);
    return v;
  }
  if (kind === "bool") {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new UsageError(`--${flag}: expected true or false, got '${raw}'`);
  }
  if (kind === "list") return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return raw;
};

const takes = (def: FlagDef, command: Command): boolean => (def.commands ?? ["compare"]).includes(command);

/**
 * Parses `--flag value`, `--flag=value`, bare boolean flags, `--config FILE` and repeated `--set k=v`; a flag of
 * another command is refused by name.
 */
const parseArgs = (argv: string[], command: Command = "compare"): ParsedArgs => {
  const out: ParsedArgs = { sets: [], flags: {}, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const def = FLAGS[name];
    const isBool = def !== undefined && def.kind === "bool";
    let raw: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (raw === undefined && !isBool) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name}: missing value`);
      raw = argv[++i];
    }
    if (name === "config") out.config = raw;
    else if (name === "set") out.sets.push(raw as string);
    else if (def === undefined) throw new UsageError(`unknown flag --${name} (see ${command} --help)`);
    else if (!takes(def, command)) {
      throw new UsageError(`--${name} is a flag of ${(def.commands ?? ["compare"]).join(" and ")}, not of ${command} ` +
        `(see ${command} --help)`);
    } else {
      const value = parseValue(name, def.kind, raw ?? "true");
      for (const p of def.paths) out.flags[p] = value;
    }
  }
  return out;
};

/** The schema's default at a config path, for the help text (undefined: no default). */
const defaultAt = (dotted: string): unknown => {
  const defaults: unknown = configSchema.parse({ x: { path: "-" }, y: { path: "-" }, out: "-" });
  let cur = defaults;
  for (const k of dotted.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur === "-" ? undefined : cur;
};

const PLACEHOLDER: Record<FlagKind, string> = { string: "VALUE", number: "N", sigma: "S|auto|checked", bool: "", list: "A,B" };

/** One line per flag of `command`: name, value, what it does, its default and config path. */
const flagHelp = (command: Command = "compare"): string =>
  Object.keys(FLAGS)
    .filter((k) => takes(FLAGS[k], command))
    .map((k) => {
      const d = FLAGS[k];
      const dflt = defaultAt(d.paths[0]);
      const shown = dflt === undefined || (Array.isArray(dflt) && dflt.length === 0) ? "" : ` (default ${String(dflt)})`;
      return `  ${`--${k} ${d.value ?? PLACEHOLDER[d.kind]}`.padEnd(28)} ${d.help}${shown}  [${d.paths.join(", ")}]`;
    })
    .join("\n");

export { parseArgs, flagHelp, UsageError, ParsedArgs, Command };
