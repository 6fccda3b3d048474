// The marker that makes a directory (or gs:// prefix) a spec-beam run: `_SPEC_BEAM_RUN`, written last, holding the
// command, the run id and the manifest of every file the run wrote. Publishing replaces only directories whose
// marker parses AND whose files are exactly the manifest's, so a user's file dropped into a run, or a directory
// that merely looks like one, is never deleted.
import * as fs from "fs";
import * as path from "path";

const MARKER = "_SPEC_BEAM_RUN";
const MARKER_FORMAT = 1;

interface ManifestFile {
  path: string;
  size: number;
}

interface RunMarker {
  tool: "spec-beam";
  format: number;
  command: string;
  run_id: string;
  created: string;
  /** gs:// only: the prefix that holds this run's files (the pointer object sits above it) */
  root?: string;
  files: ManifestFile[];
}

const makeMarker = (command: string, runId: string, files: ManifestFile[], root?: string): RunMarker => ({
  tool: "spec-beam", format: MARKER_FORMAT, command: command, run_id: runId, created: new Date().toISOString(),
  ...(root ? { root: root } : {}), files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
});

/** The marker in `text`, or the reason it is not one. */
const parseMarker = (text: string): RunMarker | string => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return `${MARKER} is not JSON`;
  }
  const m = v as Partial<RunMarker>;
  if (!m || m.tool !== "spec-beam" || typeof m.run_id !== "string" || !Array.isArray(m.files)) {
    return `${MARKER} is not a spec-beam run marker`;
  }
  if (typeof m.format !== "number" || m.format > MARKER_FORMAT) {
    return `${MARKER} has format ${String(m.format)}, newer than this spec-beam (${MARKER_FORMAT})`;
  }
  return m as RunMarker;
};

/** Every regular file below dir as "/"-separated names; anything else (a symlink, a socket) is named with a flag. */
const walkLocal = (dir: string): { files: ManifestFile[]; odd: string[] } => {
  const files: ManifestFile[] = [];
  const odd: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(abs, e.name);
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) files.push({ path: r, size: fs.statSync(p).size });
      else odd.push(r);
    }
  };
  walk(dir, "");
  return { files: files, odd: odd };
};

/** The names in `present` that the manifest does not account for (by name and size), at most `max` of them. */
const foreignFiles = (marker: RunMarker, present: ManifestFile[], max = 5): string[] => {
  const known = new Map(marker.files.map((f) => [f.path, f.size]));
  return present.filter((f) => f.path !== MARKER && known.get(f.path) !== f.size).slice(0, max).map((f) => f.path);
};

const olderSpecBeamRun = (dir: string): boolean => {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as { tool?: { name?: string }; command?: string };
    return s.tool?.name === "spec-beam" || s.command === "align";
  } catch {
    return false;
  }
};

type RunCheck = { run: true; marker: RunMarker } | { run: false; reason: string };

/** Is the existing local directory `dir` a complete spec-beam run that nothing else has written into? */
const checkLocalRun = (dir: string): RunCheck => {
  const markerPath = path.join(dir, MARKER);
  if (!fs.existsSync(markerPath)) {
    const n = fs.readdirSync(dir).length;
    if (olderSpecBeamRun(dir)) {
      return { run: false, reason: `it was written by a spec-beam older than run markers (no ${MARKER}); ` +
        "delete it yourself if it is no longer needed, or choose another --out" };
    }
    return { run: false, reason: n === 0 ? "it is an empty directory that spec-beam did not create"
      : `it is a directory that spec-beam did not create (no ${MARKER} marker; ${n} entr${n === 1 ? "y" : "ies"})` };
  }
  const m = parseMarker(fs.readFileSync(markerPath, "utf8"));
  if (typeof m === "string") return { run: false, reason: m };
  const w = walkLocal(dir);
  if (w.odd.length > 0) return { run: false, reason: `it holds entries spec-beam never writes: ${w.odd.join(", ")}` };
  const foreign = foreignFiles(m, w.files);
  if (foreign.length > 0) {
    return { run: false, reason: `it holds files the spec-beam run did not write (or that changed since): ${foreign.join(", ")}` };
  }
  return { run: true, marker: m };
};

export { MARKER, RunMarker, ManifestFile, RunCheck, makeMarker, parseMarker, walkLocal, foreignFiles, checkLocalRun };
