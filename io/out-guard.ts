// What --out may be, decided before any work: a path that does not exist yet, or a complete spec-beam run that the
// user asked to replace (--overwrite). Everything else is refused with the path and the reason: an existing file
// or foreign directory, the current or home directory, `/`, a symbolic link, anything equal to, containing or inside
// an input, anything inside another run (replacing that run would delete it), a name too long for the temporary
// names beside it. Paths are compared after resolving symbolic links, so `a/../b` or a link to the input dir cannot
// slip through.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OutError } from "./errors";
import { gcsList, gcsReadGen, gcsStat, isGcsPath, splitGcsPath } from "./gcs";
import { checkLocalRun, foreignFiles, MARKER, parseMarker, RunMarker } from "./run-marker";
import { parseOwnerTag } from "./run-owner";

/** The longest name beside --out is ".NAME.lock.stale-<owner tag>": 255 bytes minus that leaves 200 for NAME. */
const MAX_NAME_BYTES = 200;

interface OutTarget {
  /** local: absolute with links resolved; gs://: bucket/path without a trailing "/" */
  out: string;
  gcs: boolean;
  /** the run that is there now (replaced only with overwrite) */
  previous?: RunMarker;
  /** gs://: the generation of the pointer object now there ("0" when none): the commit's precondition */
  pointerGeneration: string;
}

const within = (child: string, parent: string, sep: string): boolean =>
  child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** The real path of p: links resolved in the part that exists, the rest appended as written. */
const realish = (p: string): string => {
  const abs = path.resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...rest.reverse());
    } catch {
      if (head === path.dirname(head)) return abs;
      rest.push(path.basename(head));
      head = path.dirname(head);
    }
  }
};

/** The fixed directory part of an input spec: the spec itself, or the directory above its first wildcard. */
const inputRoot = (spec: string): string => {
  const cut = spec.search(/[*?[]/);
  if (cut < 0) return spec;
  const head = spec.slice(0, cut);
  return head.endsWith("/") ? head.slice(0, -1) || "/" : path.posix.dirname(head);
};

const refuse = (out: string, why: string): never => {
  throw new OutError(out, why);
};

const checkAgainstInputs = (shown: string, out: string, inputs: string[], sep: string, resolve: (p: string) => string): void => {
  for (const spec of inputs) {
    const root = resolve(inputRoot(spec));
    if (within(out, root, sep)) refuse(shown, `it is ${out === root ? "the input" : "inside the input"} ${spec}`);
    if (within(root, out, sep)) refuse(shown, `it contains the input ${spec}`);
  }
};

const checkLocal = (shown: string, inputs: string[], overwrite: boolean): OutTarget => {
  const real = realish(shown);
  const name = path.basename(real);
  if (real === path.parse(real).root) refuse(shown, "it is the filesystem root");
  for (const [what, dir] of [["the current directory", process.cwd()], ["the home directory", os.homedir()]]) {
    if (within(realish(dir), real, path.sep)) refuse(shown, `it is or contains ${what} (${dir})`);
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    refuse(shown, `the name is ${Buffer.byteLength(name)} bytes; at most ${MAX_NAME_BYTES} (temporary names beside it are longer)`);
  }
  checkAgainstInputs(shown, real, inputs.filter((s) => !isGcsPath(s)), path.sep, realish);
  for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dir);
    } catch {
      st = undefined;
    }
    if (st && !st.isDirectory()) refuse(shown, `${dir} is not a directory`);
    if (st && fs.existsSync(path.join(dir, MARKER))) {
      refuse(shown, `it is inside the spec-beam run ${dir}, which a later run may replace`);
    }
    if (dir === path.dirname(dir)) break;
  }
  let lst: fs.Stats | undefined;
  try {
    lst = fs.lstatSync(path.resolve(shown));
  } catch {
    return { out: real, gcs: false, pointerGeneration: "0" };
  }
  if (lst.isSymbolicLink()) refuse(shown, `it is a symbolic link (to ${real}); give the directory itself`);
  if (!lst.isDirectory()) refuse(shown, "it exists and is not a directory");
  const check = checkLocalRun(real);
  if (!check.run) return refuse(shown, `it exists and is not a spec-beam run: ${check.reason}`);
  if (!overwrite) {
    refuse(shown, `it holds a spec-beam ${check.marker.command} run (${check.marker.created}); pass --overwrite to replace it`);
  }
  return { out: real, gcs: false, previous: check.marker, pointerGeneration: "0" };
};

const checkGcs = (shown: string, inputs: string[], overwrite: boolean): OutTarget => {
  const loc = splitGcsPath(shown);
  const name = loc.name.replace(/\/+$/, "");
  if (!name) refuse(shown, "give gs://bucket/path/to/run, not a bucket alone");
  if (name.split("/").some((s) => s === "" || s === "." || s === "..")) {
    refuse(shown, "object names with empty, '.' or '..' segments are not allowed here");
  }
  const out = `gs://${loc.bucket}/${name}`;
  if (Buffer.byteLength(name.slice(name.lastIndexOf("/") + 1)) > MAX_NAME_BYTES) {
    refuse(shown, `the name is too long; at most ${MAX_NAME_BYTES} bytes`);
  }
  checkAgainstInputs(shown, out, inputs.filter(isGcsPath).map((s) => s.replace(/\/+$/, "")), "/", (p) => p);
  const segs = name.split("/");
  for (let i = segs.length - 1; i > 0; i--) {
    const above = `gs://${loc.bucket}/${segs.slice(0, i).join("/")}`;
    if (gcsReadGen(`${above}/${MARKER}`)) refuse(shown, `it is inside the spec-beam run ${above}, which a later run may replace`);
  }
  const objects = gcsList(loc.bucket, `${name}/`);
  if (objects.length === 0) {
    let isObject = true;
    try {
      gcsStat(out);
    } catch {
      isObject = false;
    }
    if (isObject) refuse(shown, "an object of that name exists; a run needs a prefix of its own");
    return { out: out, gcs: true, pointerGeneration: "0" };
  }
  const pointer = gcsReadGen(`${out}/${MARKER}`);
  if (!pointer) {
    refuse(shown, `it holds ${objects.length} object(s) that spec-beam did not write (no ${MARKER} marker)`);
    throw new Error("unreachable");
  }
  const m = parseMarker(Buffer.from(pointer.bytes).toString("utf8"));
  if (typeof m === "string") return refuse(shown, `it is not a spec-beam run: ${m}`);
  const rootPrefix = `${out}/${m.run_id}/`;
  const present = objects.map((o) => ({ path: o.path, size: o.size }));
  // objects of the committed run, or of an uncommitted run whose prefix carries an owner tag (cleaned later)
  const inRun = present.filter((o) => o.path.startsWith(rootPrefix)).map((o) => ({ path: o.path.slice(rootPrefix.length), size: o.size }));
  const other = present.filter((o) => !o.path.startsWith(rootPrefix) && o.path !== `${out}/${MARKER}` &&
    !parseOwnerTag(o.path.slice(out.length + 1).split("/")[0]));
  const foreign = foreignFiles(m, inRun).map((f) => `${m.run_id}/${f}`).concat(other.map((o) => o.path.slice(out.length + 1)));
  if (foreign.length > 0) refuse(shown, `it holds objects the spec-beam run did not write: ${foreign.slice(0, 5).join(", ")}`);
  if (!overwrite) refuse(shown, `it holds a spec-beam ${m.command} run (${m.created}); pass --overwrite to replace it`);
  return { out: out, gcs: true, previous: m, pointerGeneration: pointer.generation };
};

/** Checks --out against everything above; throws OutError (exit 2) with the path and the reason. */
const checkOut = (out: string, opts: { inputs: string[]; overwrite: boolean }): OutTarget =>
  (isGcsPath(out) ? checkGcs(out, opts.inputs, opts.overwrite) : checkLocal(out, opts.inputs, opts.overwrite));

export { checkOut, OutTarget, inputRoot, realish, MAX_NAME_BYTES };
