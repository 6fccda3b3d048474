// The life of one run's output, from the checks before any work to the publish that makes it visible:
//   open:   check --out (io/out-guard.ts), take the lock (io/run-lock.ts), put back a run a crash left aside, remove
//           dead runs' leftovers, make the work directory the workers write into;
//   commit: write the marker with the manifest, then make the run visible in one atomic step;
//   abort:  remove the work directory and release the lock (on errors and on SIGINT/SIGTERM).
// Local --out: the work directory ".NAME.tmp-<owner>" sits beside --out; publishing is renameat2(RENAME_EXCHANGE)
// of the work directory with the old run (one atomic step: --out always holds one complete run), then the old run,
// now in the work directory's place, is deleted file by file from its manifest. Where the exchange is not supported
// the old run is renamed aside to ".NAME.old-<owner>" first, and the next run puts it back if a crash left --out
// empty in between.
// gs:// --out (no rename on Cloud Storage): the run's files live under gs://.../NAME/<owner>/; the pointer object
// NAME/_SPEC_BEAM_RUN (the marker, naming that prefix) is written last with ifGenerationMatch = the generation it
// had when the run started: that single write is the commit. Only then are the old run's objects deleted.
import * as fs from "fs";
import * as path from "path";
import { OutError } from "./errors";
import { exchangeDisabled, faultPoint } from "./fault";
import { gcsDelete, gcsList, gcsReadGen, gcsWriteIf, splitGcsPath } from "./gcs";
import { checkOut, OutTarget } from "./out-guard";
import { acquireLock, RunLock } from "./run-lock";
import { checkLocalRun, makeMarker, MARKER, parseMarker, RunMarker, walkLocal } from "./run-marker";
import { newOwnerTag, OwnerTag, ownerState, parseOwnerTag } from "./run-owner";
import { nativeRename } from "../linalg/native";

const EEXIST = 17;
const UNSUPPORTED = new Set([22 /* EINVAL */, 38 /* ENOSYS */, 95 /* EOPNOTSUPP */]);

interface SessionOptions {
  out: string;
  inputs: string[];
  overwrite: boolean;
  command: string;
  log: (line: string) => void;
}

interface RunSession {
  /** --out as resolved (local: real path; gs://: no trailing "/") */
  out: string;
  gcs: boolean;
  /** where the workers and the driver write this run's files */
  work: string;
  /** publishes the work directory atomically; answers where the run's files now are */
  commit: () => string;
  /** removes the work directory and releases the lock; safe to call twice and after commit */
  abort: () => void;
}

const localNames = (out: string) => {
  const dir = path.dirname(out);
  const base = `.${path.basename(out)}.`;
  return { dir: dir, base: base, tmp: (tag: string) => path.join(dir, `${base}tmp-${tag}`),
    old: (tag: string) => path.join(dir, `${base}old-${tag}`) };
};

/** A leftover's owner tag from its name beside --out (".NAME.tmp-<tag>", ".NAME.old-<tag>", ".NAME.lock.<tag>"...). */
const leftoverTag = (entry: string, base: string): string | undefined => {
  if (!entry.startsWith(base)) return undefined;
  const m = /^(?:tmp-|old-|lock\.stale-|lock\.)(.+)$/.exec(entry.slice(base.length));
  return m && parseOwnerTag(m[1]) ? m[1] : undefined;
};

/** Deletes a replaced run file by file from its manifest; anything else found there is left and reported. */
const removeOldLocalRun = (dir: string, marker: RunMarker | undefined, log: (s: string) => void): void => {
  if (!marker) {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const f of marker.files) fs.rmSync(path.join(dir, ...f.path.split("/")), { force: true });
  fs.rmSync(path.join(dir, MARKER), { force: true });
  const prune = (d: string): boolean => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) prune(path.join(d, e.name));
    }
    if (fs.readdirSync(d).length > 0) return false;
    fs.rmdirSync(d);
    return true;
  };
  if (!prune(dir)) log(`[publish] note: ${dir} kept files the replaced run did not write; left in place`);
};

/**
 * Whether a leftover's owner is another live process. Cleaning runs under the lock, so no live run can be writing
 * there; this is a second guard against a lock broken by hand. An earlier session of this very process has ended.
 */
const liveElsewhere = (owner: OwnerTag): boolean => owner.pid !== process.pid && ownerState(owner) === "alive";

/** The new run is published: a failure to delete the old one is a note (the next run removes it), not an error. */
const discardReplaced = (dir: string, marker: RunMarker | undefined, log: (s: string) => void): void => {
  try {
    removeOldLocalRun(dir, marker, log);
  } catch (e) {
    log(`[publish] note: could not remove the replaced run in ${dir} (${(e as Error).message}); the next run will`);
  }
};

/** Removes what dead runs left beside a local --out, after putting back a run a crash left aside. */
const tidyLocal = (out: string, me: OwnerTag, log: (s: string) => void): boolean => {
  const n = localNames(out);
  let restored = false;
  const entries = fs.readdirSync(n.dir).filter((e) => e.startsWith(n.base));
  if (!fs.existsSync(out)) {
    const aside = entries.filter((e) => e.startsWith(`${n.base}old-`) && checkLocalRun(path.join(n.dir, e)).run).sort();
    if (aside.length > 0) {
      fs.renameSync(path.join(n.dir, aside[aside.length - 1]), out);
      log(`[publish] put back the run that a crashed replacement had moved aside (${aside[aside.length - 1]})`);
      restored = true;
    }
  }
  let removed = 0;
  const legacy: string[] = [];
  for (const e of fs.readdirSync(n.dir).filter((x) => x.startsWith(n.base))) {
    if (e === `${n.base}lock`) continue;
    const tag = leftoverTag(e, n.base);
    if (!tag) {
      if (/^tmp-[A-Za-z0-9]{6}$/.test(e.slice(n.base.length))) legacy.push(e);
      continue;
    }
    const owner = parseOwnerTag(tag) as OwnerTag;
    if (tag === me.tag || liveElsewhere(owner)) continue;
    fs.rmSync(path.join(n.dir, e), { recursive: true, force: true });
    removed++;
  }
  if (removed > 0) log(`[publish] removed ${removed} leftover(s) of dead runs beside ${out}`);
  if (legacy.length > 0) {
    log(`[publish] note: left ${legacy.length} temporary director${legacy.length === 1 ? "y" : "ies"} of an older ` +
      `spec-beam beside ${out} (no owner recorded): ${legacy.join(", ")}`);
  }
  return restored;
};

/** Removes uncommitted run prefixes under a gs:// --out (we hold the lock: their owners are gone). */
const tidyGcs = (target: OutTarget, me: OwnerTag, log: (s: string) => void): void => {
  const loc = splitGcsPath(`${target.out}/`);
  const committed = target.previous?.run_id;
  let removed = 0;
  for (const o of gcsList(loc.bucket, loc.name)) {
    const first = o.path.slice(target.out.length + 1).split("/")[0];
    const owner = parseOwnerTag(first);
    if (!owner || first === committed || first === me.tag || liveElsewhere(owner)) continue;
    gcsDelete(o.path, { ignoreMissing: true });
    removed++;
  }
  if (removed > 0) log(`[publish] removed ${removed} object(s) of dead runs under ${target.out}`);
};

const removeGcsPrefix = (prefix: string): void => {
  const loc = splitGcsPath(`${prefix}/`);
  for (const o of gcsList(loc.bucket, loc.name)) gcsDelete(o.path, { ignoreMissing: true });
};

const commitLocal = (target: OutTarget, work: string, me: OwnerTag, command: string, log: (s: string) => void): string => {
  const out = target.out;
  const marker = makeMarker(command, me.tag, walkLocal(work).files);
  fs.writeFileSync(path.join(work, MARKER), JSON.stringify(marker, null, 2));
  faultPoint("publish");
  if (!fs.existsSync(out)) {
    const rc = nativeRename(work, out, false);
    if (rc === EEXIST) throw new OutError(out, "a directory appeared there while the run was computing; nothing was published");
    if (rc !== 0) {
      if (!UNSUPPORTED.has(rc)) throw new Error(`publishing ${out}: rename failed (errno ${rc})`);
      if (fs.existsSync(out)) throw new OutError(out, "a directory appeared there while the run was computing; nothing was published");
      fs.renameSync(work, out);
    }
    return out;
  }
  const rc = exchangeDisabled() ? 22 : nativeRename(work, out, true);
  if (rc === 0) {
    faultPoint("publish-swapped");
    discardReplaced(work, target.previous, log);
    return out;
  }
  if (!UNSUPPORTED.has(rc)) throw new Error(`publishing ${out}: atomic exchange failed (errno ${rc})`);
  const aside = localNames(out).old(me.tag);
  fs.renameSync(out, aside);
  faultPoint("publish-aside");
  fs.renameSync(work, out);
  discardReplaced(aside, target.previous, log);
  return out;
};

const commitGcs = (target: OutTarget, work: string, me: OwnerTag, command: string, log: (s: string) => void): string => {
  const loc = splitGcsPath(`${work}/`);
  const files = gcsList(loc.bucket, loc.name).map((o) => ({ path: o.path.slice(work.length + 1), size: o.size }));
  const marker = makeMarker(command, me.tag, files, work);
  faultPoint("publish");
  const generation = gcsWriteIf(`${target.out}/${MARKER}`, Buffer.from(JSON.stringify(marker, null, 2), "utf8"),
    target.pointerGeneration);
  if (generation === undefined) {
    throw new OutError(target.out, "another run published here while this one was computing; nothing was published");
  }
  faultPoint("publish-committed");
  const prev = target.previous;
  try {
    if (prev) for (const f of prev.files) gcsDelete(`${target.out}/${prev.run_id}/${f.path}`, { ignoreMissing: true });
  } catch (e) {
    log(`[publish] note: could not remove all of the replaced run ${prev?.run_id} (${(e as Error).message}); the next run will`);
  }
  return work;
};

const openRunSession = (o: SessionOptions): RunSession => {
  let target = checkOut(o.out, { inputs: o.inputs, overwrite: o.overwrite });
  const me = newOwnerTag();
  const lock: RunLock = acquireLock(target.out, target.gcs, me, o.command);
  let work = "";
  let state: "open" | "committed" | "closed" = "open";
  try {
    if (target.gcs) {
      tidyGcs(target, me, o.log);
      work = `${target.out}/${me.tag}`;
    } else {
      // a run put back from aside must be checked (and --overwrite required) like any existing run
      if (tidyLocal(target.out, me, o.log)) target = checkOut(o.out, { inputs: o.inputs, overwrite: o.overwrite });
      work = localNames(target.out).tmp(me.tag);
      fs.mkdirSync(work);
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  const t = target;
  const abort = (): void => {
    if (state === "closed") return;
    if (state === "open") {
      try {
        if (t.gcs) removeGcsPrefix(work);
        else fs.rmSync(work, { recursive: true, force: true });
      } catch {
        // the next run removes what is left (its owner is dead by then)
      }
    }
    state = "closed";
    lock.release();
  };
  return {
    out: t.out,
    gcs: t.gcs,
    work: work,
    commit: (): string => {
      if (state !== "open") throw new Error("run session: commit after abort or a second commit");
      const where = t.gcs ? commitGcs(t, work, me, o.command, o.log) : commitLocal(t, work, me, o.command, o.log);
      state = "committed";
      lock.release();
      state = "closed";
      return where;
    },
    abort: abort,
  };
};

/**
 * Where the files of the run published at --out are: the directory itself locally; on gs:// the prefix named by
 * the pointer object. Undefined when no complete run is there.
 */
const publishedRoot = (out: string): string | undefined => {
  const trimmed = out.replace(/\/+$/, "");
  if (!trimmed.startsWith("gs://")) {
    return fs.existsSync(path.join(trimmed, MARKER)) ? trimmed : undefined;
  }
  const pointer = gcsReadGen(`${trimmed}/${MARKER}`);
  if (!pointer) return undefined;
  const m = parseMarker(Buffer.from(pointer.bytes).toString("utf8"));
  return typeof m === "string" ? undefined : m.root;
};

export { openRunSession, publishedRoot, RunSession, SessionOptions };
