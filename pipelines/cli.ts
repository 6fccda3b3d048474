// The `spec-beam` command line: `compare` (flags or --config with --set overrides), `align` and `demo`.
// Exit code 0 on success; on bad input or a failed run, one clear message on stderr and a non-zero exit.
import { ConfigError, resolveConfig } from "../configs/load";
import { parseArgs, UsageError } from "./flags";
import { helpFor } from "./help";
import { packageVersion } from "./versions";
import { runCompare } from "./compare";
import { runDemo } from "./demo";
import { runAlign } from "./align";
import { runHistoryReport } from "./history";
import { runSigma } from "./sigma";

/** `history PATH --out DIR [--overwrite]` */
const historyArgs = (rest: string[]): { source: string; out: string; overwrite: boolean } => {
  let source: string | undefined;
  let out: string | undefined;
  let overwrite = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--out" && i + 1 < rest.length) out = rest[++i];
    else if (a === "--overwrite") overwrite = true;
    else if (!a.startsWith("--") && source === undefined) source = a;
    else throw new UsageError(`history: unexpected argument '${a}' (history PATH --out DIR [--overwrite]; history --help)`);
  }
  if (source === undefined || out === undefined) throw new UsageError("history: needs PATH and --out DIR (history --help)");
  return { source: source, out: out, overwrite: overwrite };
};

const isHelp = (a: string | undefined): boolean => a === "-h" || a === "--help" || a === "help";

const main = async (argv: string[]): Promise<number> => {
  const cmd = argv[0];
  if (cmd === undefined || isHelp(cmd)) {
    // `spec-beam help compare` as well as `spec-beam compare --help`
    process.stdout.write(helpFor(cmd === undefined ? undefined : argv[1]));
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === "--version" || cmd === "-V" || cmd === "version") {
    process.stdout.write(`spec-beam ${packageVersion("spec-beam")} (apache-beam ${packageVersion("apache-beam")}, ` +
      `node ${process.version})\n`);
    return 0;
  }
  if (!["compare", "align", "demo", "history", "sigma"].includes(cmd)) {
    throw new UsageError(`unknown command '${cmd}' (compare | align | demo | history | sigma; spec-beam --help)`);
  }
  if (argv.slice(1).some(isHelp)) {
    process.stdout.write(helpFor(cmd));
    return 0;
  }
  if (cmd === "demo") {
    const rest = argv.slice(1);
    let out = "out/demo";
    let runner = "direct";
    let i = 0;
    while (i < rest.length) {
      const a = rest[i];
      if ((a === "--out" || a === "--runner") && i + 1 < rest.length) {
        if (a === "--out") out = rest[i + 1];
        else runner = rest[i + 1];
        i += 2;
      } else {
        throw new UsageError(`demo: unexpected argument '${a}' (--out DIR, --runner direct|flink; demo --help)`);
      }
    }
    const res = await runDemo(out, runner);
    process.stdout.write(`${res.report}\n`);
    return 0;
  }
  if (cmd === "history") {
    const h = historyArgs(argv.slice(1));
    process.stdout.write(`${await runHistoryReport(h.source, h.out, h.overwrite)}\n`);
    return 0;
  }
  if (cmd === "sigma") {
    const a = parseArgs(argv.slice(1), "sigma");
    process.stdout.write(`${runSigma(a.flags).text}\n`);
    return 0;
  }
  const args = parseArgs(argv.slice(1), cmd as "compare" | "align");
  const cfg = resolveConfig({ file: args.config, sets: args.sets, flags: args.flags });
  if (cmd === "align") {
    process.stdout.write(`${(await runAlign(cfg)).outDir}\n`);
    return 0;
  }
  const res = await runCompare(cfg);
  if (!res.dryRun) process.stdout.write(`${res.outDir}\n`);
  return 0;
};

/**
 * A full disk, a quota, a read-only file system: the user's to fix, so one line and exit 2 like bad input. The run
 * was not published (it fails before the commit), which the line says.
 */
const environmentFailure = (err: Error): string | undefined => {
  const why: Record<string, string> = { ENOSPC: "no space left on device", EDQUOT: "disk quota exceeded",
    EROFS: "read-only file system" };
  // a worker's error may reach here as a copy that kept only the message ("ENOSPC: no space left on device, write")
  const code = (err as NodeJS.ErrnoException).code ?? Object.keys(why).find((c) => err.message.includes(`${c}:`));
  if (code === undefined || !(code in why)) return undefined;
  const where = (err as NodeJS.ErrnoException).path;
  return `${where ? `${where}: ` : ""}${why[code]}; the run was stopped and nothing was published`;
};

const cli = (): void => {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const err = e as Error;
      const env = environmentFailure(err);
      if (env) {
        process.stderr.write(`spec-beam: error: ${env}\n`);
        process.exit(2);
      }
      const known = err instanceof UsageError || err instanceof ConfigError || err.name === "InputError" ||
        err.name === "PlanError" || err.name === "OutError" || err.name === "HistoryError";
      // an engine failure's message names its root cause already; a stack of our driver would only hide it
      const engine = err.name === "RunnerError";
      process.stderr.write(`spec-beam: error: ${known || engine ? err.message : (err.stack ?? String(err))}\n`);
      process.exit(known ? 2 : 1);
    },
  );
};

if (require.main === module) cli();

export { main, cli };
