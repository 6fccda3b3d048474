// Config resolution: file (YAML or JSON) -> `--set key.path=value` overrides -> command-line flags -> schema.
// Later layers win. Every error names the config path it is about, zod-style (`kernel.sigma_x: must be > 0`).
import * as fs from "fs";
import * as YAML from "yaml";
import { z } from "zod";
import { configSchema, SpecConfig } from "./schema";

type Json = { [k: string]: unknown };

class ConfigError extends Error {}

const formatIssues = (err: z.ZodError, origin: string): string =>
  err.issues
    .map((i) => `${origin}: ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("\n");

const readConfigFile = (file: string): Json => {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`config ${file}: cannot read (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (e) {
    throw new ConfigError(`config ${file}: not valid YAML/JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`config ${file}: the top level must be a mapping`);
  }
  checkKeys(parsed, `config ${file}`);
  return parsed as Json;
};

// Keys that reach Object.prototype through plain objects: `--set __proto__.x=1` would otherwise change every object.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A config file's keys, at any depth, must not be prototype keys either. */
const checkKeys = (v: unknown, where: string, trail: string[] = []): void => {
  if (!v || typeof v !== "object") return;
  for (const k of Object.keys(v as Json)) {
    const at = [...trail, k];
    if (FORBIDDEN_KEYS.has(k)) throw new ConfigError(`${where}: ${at.join(".")}: the key '${k}' is not allowed`);
    checkKeys((v as Json)[k], where, at);
  }
};

/** Sets `a.b.c` in a nested object, creating the intermediate mappings. */
const setPath = (obj: Json, dotted: string, value: unknown): void => {
  const keys = dotted.split(".");
  if (keys.some((k) => k.length === 0)) throw new ConfigError(`--set ${dotted}: empty key in path`);
  const bad = keys.find((k) => FORBIDDEN_KEYS.has(k));
  if (bad !== undefined) throw new ConfigError(`--set ${dotted}: the key '${bad}' is not allowed`);
  let cur: Json = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = cur[keys[i]];
    if (next === undefined) {
      cur[keys[i]] = {};
    } else if (next === null || typeof next !== "object" || Array.isArray(next)) {
      throw new ConfigError(`--set ${dotted}: ${keys.slice(0, i + 1).join(".")} is not a mapping`);
    }
    cur = cur[keys[i]] as Json;
  }
  cur[keys[keys.length - 1]] = value;
};

/** `key.path=value`; the value is parsed as a YAML scalar/flow value so numbers and booleans keep their type. */
const applySet = (obj: Json, assignment: string): void => {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new ConfigError(`--set ${assignment}: expected key.path=value`);
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = YAML.parse(raw);
  } catch {
    value = raw;
  }
  setPath(obj, key, value === null && raw.trim() !== "null" && raw.trim() !== "~" ? raw : value);
};

const resolveConfig = (opts: { file?: string; sets?: string[]; flags?: Json }): SpecConfig => {
  const base: Json = opts.file ? readConfigFile(opts.file) : {};
  for (const s of opts.sets ?? []) applySet(base, s);
  for (const key of Object.keys(opts.flags ?? {})) {
    const v = (opts.flags as Json)[key];
    if (v !== undefined) setPath(base, key, v);
  }
  const result = configSchema.safeParse(base);
  if (!result.success) throw new ConfigError(formatIssues(result.error, opts.file ? `config ${opts.file}` : "config"));
  const cfg = result.data;
  if (cfg.kernel.share_omegas && cfg.kernel.type !== "gaussian") {
    throw new ConfigError("config: kernel.share_omegas: only meaningful for the gaussian kernel");
  }
  // the report's columns are read with the metadata (and so checked against X's table when the run is planned)
  for (const c of [cfg.report.label_column, cfg.report.image_column, cfg.report.text_column]) {
    if (c !== undefined && !cfg.metadata_columns.includes(c)) cfg.metadata_columns.push(c);
  }
  if (cfg.skip_unchanged && cfg.history === undefined) {
    throw new ConfigError("config: skip_unchanged: needs history (--history PATH): the last run is looked up there");
  }
  if (!cfg.y?.path && !cfg.y?.column) {
    throw new ConfigError("config: y: give y.path (a second source) or y.column (a second column of x's table)");
  }
  return cfg;
};

/** Keys that say what happens around a run, not what it computes: left out of the config hash. */
const HASH_EXCLUDED = ["overwrite", "history", "skip_unchanged", "out"];

/**
 * A stable hash of the resolved config (FNV-1a 64 over canonical JSON), recorded in summary.json and the history.
 * HASH_EXCLUDED is left out (e.g. `overwrite` says what may happen to the previous result, not what is computed;
 * `out` where it goes), so every scheduled run of one config, into a templated `out`, has the same hash.
 */
const configHash = (cfg: unknown): string => {
  const canon = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as Json).sort().map((k) => [k, canon((v as Json)[k])]))
      : v;
  const top = cfg && typeof cfg === "object" && !Array.isArray(cfg)
    ? Object.fromEntries(Object.entries(cfg as Json).filter((e) => !HASH_EXCLUDED.includes(e[0]))) : cfg;
  const text = JSON.stringify(canon(top));
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, "0");
};

export { ConfigError, resolveConfig, configHash, applySet, setPath };
