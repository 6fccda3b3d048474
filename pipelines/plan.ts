// Plan-then-execute: before any Beam stage runs, the driver inspects every input file's metadata (never its rows),
// checks that X and Y can be paired, and cuts the global row range into shards. A shard is a small descriptor
// (file paths and row ranges); workers read the rows themselves.
import { InputError } from "../io/errors";
import { expandInputs } from "../io/paths";
import { inspectSource, readIdsFile, SourceInfo } from "../io/source";
import type { SpecConfig } from "../configs/schema";
import type { ShardDesc, Slice, SourceOptions } from "../shards/shard";

interface SidePlan {
  spec: string;
  files: SourceInfo[];
  rows: number;
  dim: number;
  options: SourceOptions;
}

interface RunPlan {
  n: number;
  x: SidePlan;
  y: SidePlan;
  sameTable: boolean;
  pairing: "by_row" | "by_id";
  /** by_row: shards of paired rows. by_id: shards of X alone (x slices, y = null). */
  shards: ShardDesc[];
  /** by_id only: shards of Y alone (Y's slices in `x`, y = null) */
  yShards: ShardDesc[];
}

class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

const planSide = (spec: string, options: SourceOptions, label: string,
                  metadataRoles?: Record<string, string>): SidePlan => {
  const paths = expandInputs(spec);
  const files = paths.map((p) => inspectSource(p, {
    column: options.column, idColumn: options.idColumn, metadataColumns: options.metadataColumns,
    metadataRoles: metadataRoles, npzKey: options.column,
  }));
  const dim = files[0].dim;
  for (const f of files) {
    if (f.dim !== dim) {
      throw new PlanError(`${label}: ${f.path}: vector dimension ${f.dim} differs from ${dim} in ${files[0].path}`);
    }
  }
  const rows = files.reduce((s, f) => s + f.rows, 0);
  if (rows === 0) throw new PlanError(`${label}: ${spec}: no rows in ${files.length} file(s)`);
  // one sample has no structure to compare: every kernel matrix is [1] and Lambda is the number 1 - eta
  if (rows === 1) throw new PlanError(`${label}: ${spec}: 1 row; SPEC compares groups of samples and needs at least 2`);
  if (options.idsFile && files.length !== 1) {
    throw new PlanError(`${label}: an ids file needs exactly one input file, ${spec} matched ${files.length}`);
  }
  if (options.idsFile) {
    // checked here, not after the Gram pass and the solve where a short file used to surface
    const n = readIdsFile(options.idsFile).length;
    if (n !== rows) {
      throw new InputError(options.idsFile, `${n} id line(s) for the ${rows} rows of ${files[0].path}; ` +
        "give exactly one id per row");
    }
  }
  return { spec: spec, files: files, rows: rows, dim: dim, options: options };
};

/** The chunks (row groups / row ranges) of every file, in global row order, split to at most maxRows. */
const chunksOf = (side: SidePlan, maxRows: number): Slice[] => {
  const out: Slice[] = [];
  for (const f of side.files) {
    for (const c of f.chunks) {
      for (let s = 0; s < c.count; s += maxRows) {
        out.push({ path: f.path, start: c.start + s, count: Math.min(maxRows, c.count - s) });
      }
    }
  }
  return out;
};

/** The slices of `side` covering global rows [start, start + count). */
const slicesFor = (side: SidePlan, start: number, count: number): Slice[] => {
  const out: Slice[] = [];
  let fileStart = 0;
  for (const f of side.files) {
    const lo = Math.max(start, fileStart);
    const hi = Math.min(start + count, fileStart + f.rows);
    if (hi > lo) out.push({ path: f.path, start: lo - fileStart, count: hi - lo });
    fileStart += f.rows;
  }
  return out;
};

/** The report's columns (carried as metadata by resolveConfig), named by their flag when X lacks them. */
const reportColumnRoles = (cfg: SpecConfig): Record<string, string> => {
  const roles: Record<string, string> = {};
  if (cfg.report.label_column !== undefined) roles[cfg.report.label_column] = "--label-column (report.label_column)";
  if (cfg.report.image_column !== undefined) roles[cfg.report.image_column] = "--image-column (report.image_column)";
  if (cfg.report.text_column !== undefined) roles[cfg.report.text_column] = "--text-column (report.text_column)";
  return roles;
};

const planRun = (cfg: SpecConfig): RunPlan => {
  const meta = cfg.metadata_columns;
  const x = planSide(cfg.x.path, { column: cfg.x.column, idColumn: cfg.x.id_column, idsFile: cfg.x.ids_file,
    metadataColumns: meta }, "x", reportColumnRoles(cfg));
  const sameTable = !cfg.y?.path;
  const y = sameTable
    ? planSide(cfg.x.path, { column: cfg.y?.column, idColumn: cfg.x.id_column, idsFile: cfg.x.ids_file,
      metadataColumns: [] }, "y")
    : planSide(cfg.y?.path as string, { column: cfg.y?.column, idColumn: cfg.y?.id_column,
      idsFile: cfg.y?.ids_file, metadataColumns: [] }, "y");
  if (x.rows !== y.rows) {
    throw new PlanError(`pairing ${cfg.pairing}: x has ${x.rows} rows (${cfg.x.path}) but y has ${y.rows} rows ` +
      `(${cfg.y?.path ?? cfg.x.path}); ` + (cfg.pairing === "by_row"
      ? "by_row needs the same samples in the same order"
      : "by_id needs every id exactly once on each side"));
  }
  if (cfg.pairing === "by_id") return planById(cfg, x, y, sameTable);
  const xChunks = chunksOf(x, cfg.compute.shard_rows);
  const shards: ShardDesc[] = [];
  let g = 0;
  for (let i = 0; i < xChunks.length; i++) {
    const c = xChunks[i];
    shards.push({ index: i, total: xChunks.length, globalStart: g, rows: c.count, x: [c],
      y: sameTable ? null : slicesFor(y, g, c.count) });
    g += c.count;
  }
  return { n: x.rows, x: x, y: y, sameTable: sameTable, pairing: "by_row", shards: shards, yShards: [] };
};

/** Each side cut into its own shards; the pipeline joins rows by id (a GroupByKey). */
const soloShards = (side: SidePlan, maxRows: number): ShardDesc[] => {
  const chunks = chunksOf(side, maxRows);
  let g = 0;
  return chunks.map((c, i) => {
    const s: ShardDesc = { index: i, total: chunks.length, globalStart: g, rows: c.count, x: [c], y: null };
    g += c.count;
    return s;
  });
};

const hasIds = (side: SidePlan): boolean =>
  side.options.idsFile !== undefined || side.files.every((f) => f.idType !== undefined);

const planById = (cfg: SpecConfig, x: SidePlan, y: SidePlan, sameTable: boolean): RunPlan => {
  if (sameTable) {
    throw new PlanError("pairing by_id: X and Y are columns of the same table, so their rows are already paired; " +
      "use pairing by_row");
  }
  for (const side of [{ name: "x", plan: x }, { name: "y", plan: y }]) {
    if (!hasIds(side.plan)) {
      throw new PlanError(`pairing by_id: ${side.plan.spec} has no ids: set ${side.name}.id_column (Parquet) or ` +
        `${side.name}.ids_file (.npy/.npz)`);
    }
  }
  return { n: x.rows, x: x, y: y, sameTable: false, pairing: "by_id",
    shards: soloShards(x, cfg.compute.shard_rows), yShards: soloShards(y, cfg.compute.shard_rows) };
};

export { planRun, PlanError, RunPlan, SidePlan };
