// Shared by the publishing tests: the CLI as a child process (so a test can kill it, pause it or give it another
// cwd / HOME), small .npy inputs in three shards, and a byte-exact snapshot of a run directory.
import { spawn, spawnSync } from "child_process";
import type { ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { writeNpy } from "../io/npy-write";
import { plantedTable } from "./pipeline-fixtures";

const BIN = path.join(__dirname, "..", "..", "bin", "spec-beam.js");

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const cliEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...env });

const runCli = (args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliResult => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 240000,
    env: cliEnv(opts.env ?? {}), cwd: opts.cwd });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
};

/** The CLI in the background; `done` settles when it exits. */
const startCli = (args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult> } => {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString("utf8");
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString("utf8");
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code, signal: signal, stdout: stdout, stderr: stderr }));
  });
  return { child: child, done: done };
};

/** Resolves once `file` exists (a paused run created it); rejects after `ms`. */
const waitForFile = async (file: string, ms = 120000): Promise<void> => {
  const until = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** x.npy, y.npy and ids.txt of 120 planted rows in `dir`; the flags of a compare run on them in 3 shards. */
const writeInputs = (dir: string): string[] => {
  fs.mkdirSync(dir, { recursive: true });
  const t = plantedTable(40, 3, 9);
  writeNpy(path.join(dir, "x.npy"), Float32Array.from(t.x.flat()), 120, 3);
  writeNpy(path.join(dir, "y.npy"), Float32Array.from(t.y.flat()), 120, 3);
  fs.writeFileSync(path.join(dir, "ids.txt"), t.ids.join("\n") + "\n");
  return ["--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--x-ids-file", path.join(dir, "ids.txt"),
    "--sigma-x", "1", "--sigma-y", "1", "--rff", "40", "--modes", "2", "--top", "5", "--shard-rows", "40"];
};

/** relative path -> sha256 of every file below dir: equal snapshots mean byte-identical trees. */
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else out[r] = crypto.createHash("sha256").update(fs.readFileSync(path.join(abs, e.name))).digest("hex");
    }
  };
  walk(dir, "");
  return out;
};

/** Names beside `out` that belong to a run of it: temporary directories, locks, aside copies. */
const besides = (out: string): string[] =>
  fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(`.${path.basename(out)}.`)).sort();

export { runCli, startCli, waitForFile, writeInputs, snapshot, besides, CliResult };
