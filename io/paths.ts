// Input specs -> concrete files: a file, a directory (its *.parquet/*.npy/*.npz files) or a
// glob (`*`, `?`, `**`), local or gs://. Sorted and deduplicated so every worker and every
// rerun plans the same shards in the same order.
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./errors";
import { gcsList, gcsStat, isGcsPath, splitGcsPath } from "./gcs";

const INPUT_EXTENSION = /\.(parquet|npy|npz)$/i;
const GLOB_CHARS = /[*?[]/;

// `**` spans directories (also none), `*` and `?` stay within one path segment.
const globToRegExp = (pattern: string): RegExp => {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      if (pattern[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") {
      re += "[^/]*";
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close < 0) {
        re += "\\[";
      } else {
        const body = pattern.slice(i + 1, close).replace(/\\/g, "\\\\");
        re += `[${body.startsWith("!") ? "^" + body.slice(1) : body}]`;
        i = close;
      }
    } else {
      re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
};

// Data files of a directory listing: skips hidden and `_`-prefixed names (Spark's _SUCCESS,
// .crc files, our own temporary files).
const isDataFile = (name: string): boolean => {
  const base = name.slice(name.lastIndexOf("/") + 1);
  return INPUT_EXTENSION.test(base) && !base.startsWith(".") && !base.startsWith("_");
};

const sortUnique = (xs: string[]): string[] => Array.from(new Set(xs)).sort();

// Directories are entered once by their real path, so a symlink loop (a -> .) ends instead of repeating the tree
// until the path length limit (41 copies of one file were read before).
const walk = (dir: string, depth: number, out: string[], seen: Set<string> = new Set()): void => {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = fs.statSync(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue;
      }
    }
    if (isFile) out.push(p);
    else if (isDir && depth > 1) walk(p, depth - 1, out, seen);
  }
};

/** One path per real file (device and inode), the first in sorted order: a file reached by two names is read once. */
const uniqueFiles = (files: string[]): string[] => {
  const seen = new Set<string>();
  return sortUnique(files).filter((f) => {
    const st = fs.statSync(f);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

const expandLocalGlob = (spec: string): string[] => {
  const abs = path.resolve(spec);
  const segments = abs.split(path.sep);
  const first = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = segments.slice(0, first).join(path.sep) || path.sep;
  const rest = segments.slice(first);
  const depth = rest.includes("**") || rest.some((s) => s.includes("**")) ? Infinity : rest.length;
  const files: string[] = [];
  walk(base, depth, files);
  const re = globToRegExp(abs.split(path.sep).join("/"));
  // As in a shell, wildcards skip dot-files (our temporary files among them) unless the
  // pattern's file name itself starts with a dot.
  const dotted = path.basename(abs).startsWith(".");
  // Report the paths in the form the user wrote them (relative stays relative).
  const relative = !path.isAbsolute(spec);
  return files
    .filter((f) => re.test(f.split(path.sep).join("/")) && (dotted || !path.basename(f).startsWith(".")))
    .map((f) => (relative ? path.relative(process.cwd(), f) : f));
};

const expandLocal = (spec: string): string[] => {
  if (GLOB_CHARS.test(spec)) {
    const files = expandLocalGlob(spec);
    if (files.length === 0) throw new InputError(spec, "no files match this pattern");
    return uniqueFiles(files);
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(spec);
  } catch {
    throw new InputError(spec, "no such file or directory");
  }
  if (st.isFile()) return [spec];
  if (!st.isDirectory()) throw new InputError(spec, "not a file or directory");
  const files = fs.readdirSync(spec).filter(isDataFile).map((n) => path.join(spec, n));
  if (files.length === 0) throw new InputError(spec, "directory holds no .parquet, .npy or .npz files");
  return uniqueFiles(files);
};

const expandGcs = (spec: string): string[] => {
  const loc = splitGcsPath(spec);
  if (GLOB_CHARS.test(loc.name)) {
    const prefix = loc.name.slice(0, loc.name.search(GLOB_CHARS));
    const re = globToRegExp(loc.name);
    const dotted = loc.name.slice(loc.name.lastIndexOf("/") + 1).startsWith(".");
    const files = gcsList(loc.bucket, prefix).filter((o) => {
      const name = o.path.slice(`gs://${loc.bucket}/`.length);
      return re.test(name) && (dotted || !name.slice(name.lastIndexOf("/") + 1).startsWith("."));
    });
    if (files.length === 0) throw new InputError(spec, "no objects match this pattern");
    return sortUnique(files.map((o) => o.path));
  }
  // An object of that exact name, else a "directory": the data objects directly below it.
  if (loc.name !== "" && !loc.name.endsWith("/")) {
    try {
      gcsStat(spec);
      return [spec];
    } catch {
      // not an object; try it as a prefix
    }
  }
  const prefix = loc.name === "" || loc.name.endsWith("/") ? loc.name : `${loc.name}/`;
  const files = gcsList(loc.bucket, prefix)
    .map((o) => o.path)
    .filter((p) => !p.slice(`gs://${loc.bucket}/${prefix}`.length).includes("/") && isDataFile(p));
  if (files.length === 0) throw new InputError(spec, "no such object, and no .parquet, .npy or .npz objects under this prefix");
  return sortUnique(files);
};

const expandInputs = (spec: string): string[] => (isGcsPath(spec) ? expandGcs(spec) : expandLocal(spec));

export { expandInputs, globToRegExp };
