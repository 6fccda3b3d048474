// Synthetic paired-embedding datasets for benchmarks and scale runs (model: test/data/synth-model.ts).
//
//   node dist/test/data/synth.js --out DIR --n 100000 [--dx 768] [--dy 1024] [--clusters 20]
//     [--merges min(3, clusters/4)] [--noise 25] [--files 1] [--row-group R] [--seed 0] [--format parquet|npy]
//     [--compression none|snappy] [--overwrite]
//
// parquet: DIR/x/part-00000.parquet ... and DIR/y/part-00000.parquet ..., columns id (string),
//   label (int32, the true cluster) and embedding (list<float>); X and Y rows are the same
//   samples in the same order.
// npy: DIR/x/part-00000.npy ... (float32, rows x dim) and DIR/ids.txt, DIR/labels.txt (one line
//   per row, all parts in order; usable as x.ids_file / y.ids_file when --files is 1).
// Parts are generated and written one at a time, so memory holds one part of one side. Prints
// one line of JSON: {format, out, files, rows, dx, dy, clusters, merges, bytes, seconds, rows_per_second}.
import * as fs from "fs";
import * as path from "path";
import { writeParquet } from "../../io/parquet-write";
import { npyBytes } from "../../io/npy-write";
import { SynthModel, sampleId } from "./synth-model";
import type { Side } from "./synth-model";

interface SynthOptions {
  out: string;
  n: number;
  dx: number;
  dy: number;
  clusters: number;
  merges: number;
  noise: number;
  files: number;
  rowGroup?: number;
  seed: number;
  format: "parquet" | "npy";
  compression: "none" | "snappy";
  overwrite: boolean;
}

interface SynthSummary {
  format: string;
  out: string;
  files: number;
  rows: number;
  dx: number;
  dy: number;
  clusters: number;
  merges: number;
  bytes: number;
  seconds: number;
  rows_per_second: number;
}

const USAGE =
  "usage: synth --out DIR --n N [--dx 768] [--dy 1024] [--clusters 20] [--merges min(3, clusters/4)] [--noise 25] " +
  "[--files 1] [--row-group R] [--seed 0] [--format parquet|npy] [--compression none|snappy] [--overwrite]";

const INT_FLAGS = ["n", "dx", "dy", "clusters", "merges", "files", "row-group", "seed"];
const FLAGS = new Set([...INT_FLAGS, "out", "noise", "format", "compression", "overwrite"]);

const parseSynthArgs = (argv: string[]): SynthOptions => {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`synth: unexpected argument '${a}'\n${USAGE}`);
    const eq = a.indexOf("=");
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!FLAGS.has(key)) throw new Error(`synth: unknown flag --${key}\n${USAGE}`);
    if (key === "overwrite") {
      raw.set(key, "true");
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`synth: --${key} needs a value\n${USAGE}`);
    raw.set(key, value);
  }
  const int = (key: string, dflt: number | undefined, min: number): number | undefined => {
    const s = raw.get(key);
    if (s === undefined) return dflt;
    const v = Number(s);
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(v) || v < min) throw new Error(`synth: --${key} must be an integer >= ${min}, got '${s}'`);
    return v;
  };
  const out = raw.get("out");
  if (!out) throw new Error(`synth: --out is required\n${USAGE}`);
  const n = int("n", undefined, 1);
  if (n === undefined) throw new Error(`synth: --n is required\n${USAGE}`);
  const clusters = int("clusters", 20, 1) as number;
  const format = raw.get("format") ?? "parquet";
  if (format !== "parquet" && format !== "npy") throw new Error(`synth: --format must be parquet or npy, got '${format}'`);
  const compression = raw.get("compression") ?? "none";
  if (compression !== "none" && compression !== "snappy") throw new Error(`synth: --compression must be none or snappy, got '${compression}'`);
  const noiseText = raw.get("noise") ?? "25";
  const noise = Number(noiseText);
  if (noiseText.trim() === "" || !Number.isFinite(noise) || noise < 0) throw new Error(`synth: --noise must be a number >= 0, got '${noiseText}'`);
  const files = int("files", 1, 1) as number;
  if (files > n) throw new Error(`synth: --files ${files} is more than --n ${n} rows`);
  return {
    out: out,
    n: n,
    dx: int("dx", 768, 1) as number,
    dy: int("dy", 1024, 1) as number,
    clusters: clusters,
    merges: int("merges", Math.min(3, Math.floor(clusters / 4)), 0) as number,
    noise: noise,
    files: files,
    rowGroup: int("row-group", undefined, 1),
    seed: int("seed", 0, Number.MIN_SAFE_INTEGER) as number,
    format: format,
    compression: compression,
    overwrite: raw.has("overwrite"),
  };
};

// Output directories must not hold an earlier dataset: stale parts would silently join this one.
const prepareDirs = (opts: SynthOptions): void => {
  const owned = [path.join(opts.out, "x"), path.join(opts.out, "y"), path.join(opts.out, "ids.txt"), path.join(opts.out, "labels.txt")];
  for (const p of owned) {
    if (!fs.existsSync(p)) continue;
    if (!opts.overwrite) {
      const isEmptyDir = fs.statSync(p).isDirectory() && fs.readdirSync(p).length === 0;
      if (!isEmptyDir) throw new Error(`synth: ${p} already exists; pass --overwrite to replace it`);
    }
    fs.rmSync(p, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(opts.out, "x"), { recursive: true });
  fs.mkdirSync(path.join(opts.out, "y"), { recursive: true });
};

const partName = (p: number, ext: string): string => `part-${String(p).padStart(5, "0")}.${ext}`;

const writeNpyAtomic = (file: string, data: Float32Array, rows: number, cols: number): number => {
  const bytes = npyBytes(data, rows, cols);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
  return bytes.length;
};

const writePart = (opts: SynthOptions, model: SynthModel, side: Side, p: number, start: number, labels: Int32Array): number => {
  const count = labels.length;
  const dim = side === "x" ? opts.dx : opts.dy;
  const vectors = model.vectors(side, start, labels);
  const dir = path.join(opts.out, side);
  if (opts.format === "npy") return writeNpyAtomic(path.join(dir, partName(p, "npy")), vectors, count, dim);
  const ids: string[] = new Array(count);
  for (let r = 0; r < count; r++) ids[r] = sampleId(start + r, opts.n);
  const file = path.join(dir, partName(p, "parquet"));
  writeParquet(file, [
    { name: "id", type: "string", values: ids },
    { name: "label", type: "int32", values: labels },
    { name: "embedding", type: "float_list", values: vectors, dim: dim },
  ], { rowGroupSize: opts.rowGroup, vectorCodec: opts.compression === "snappy" ? "SNAPPY" : "UNCOMPRESSED" });
  return fs.statSync(file).size;
};

// ids.txt and labels.txt of the npy format, appended part by part.
const appendIdsAndLabels = (opts: SynthOptions, start: number, labels: Int32Array): number => {
  const ids: string[] = [];
  for (let r = 0; r < labels.length; r++) ids.push(sampleId(start + r, opts.n));
  const idText = ids.join("\n") + "\n";
  const labelText = Array.from(labels).join("\n") + "\n";
  fs.appendFileSync(path.join(opts.out, "ids.txt"), idText);
  fs.appendFileSync(path.join(opts.out, "labels.txt"), labelText);
  return Buffer.byteLength(idText) + Buffer.byteLength(labelText);
};

const synthesize = (opts: SynthOptions): SynthSummary => {
  const t0 = process.hrtime.bigint();
  const model = new SynthModel({ seed: opts.seed, dx: opts.dx, dy: opts.dy, clusters: opts.clusters, merges: opts.merges, noise: opts.noise });
  prepareDirs(opts);
  let bytes = 0;
  for (let p = 0; p < opts.files; p++) {
    const start = Math.floor((p * opts.n) / opts.files);
    const count = Math.floor(((p + 1) * opts.n) / opts.files) - start;
    const labels = model.labels(start, count);
    bytes += writePart(opts, model, "x", p, start, labels);
    bytes += writePart(opts, model, "y", p, start, labels);
    if (opts.format === "npy") bytes += appendIdsAndLabels(opts, start, labels);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    format: opts.format,
    out: path.resolve(opts.out),
    files: opts.files,
    rows: opts.n,
    dx: opts.dx,
    dy: opts.dy,
    clusters: opts.clusters,
    merges: opts.merges,
    bytes: bytes,
    seconds: Math.round(seconds * 1000) / 1000,
    rows_per_second: Math.round(opts.n / seconds),
  };
};

const main = (argv: string[]): number => {
  try {
    const summary = synthesize(parseSynthArgs(argv));
    process.stdout.write(JSON.stringify(summary) + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
};

if (require.main === module) process.exitCode = main(process.argv.slice(2));

export { parseSynthArgs, synthesize, main };
export type { SynthOptions, SynthSummary };
