// One run at a time per --out. Local: the lock file ".NAME.lock" beside --out, created whole by link(2) from a
// fully written temporary file (link fails if the name exists, so there is never a half-written lock). gs://: the
// object ".NAME.lock" beside the prefix, created with ifGenerationMatch=0. A lock whose owner is dead (same host,
// pid gone or recycled) is taken over: locally by renaming it aside and checking that what was renamed is the lock
// judged dead; on gs:// by overwriting it with ifGenerationMatch=<its generation>. A live owner, or one on another
// host (whose liveness cannot be checked from here), makes the run fail at once with the owner's details.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OutError } from "./errors";
import { gcsDelete, gcsReadGen, gcsWriteIf } from "./gcs";
import { OwnerTag, ownerState, parseOwnerTag } from "./run-owner";

interface LockInfo {
  owner: string;
  pid: number;
  host: string;
  command: string;
  out: string;
  started: string;
}

interface RunLock {
  path: string;
  release: () => void;
}

const describe = (l: LockInfo): string =>
  `spec-beam ${l.command} (pid ${l.pid} on ${l.host}, started ${l.started}, owner ${l.owner})`;

const parseLock = (text: string): LockInfo | undefined => {
  try {
    const v = JSON.parse(text) as LockInfo;
    return typeof v.owner === "string" && typeof v.pid === "number" ? v : undefined;
  } catch {
    return undefined;
  }
};

/** The lock is held by a live run (or one whose liveness cannot be checked): a caller may wait and try again. */
class LockBusyError extends OutError {}

const busy = (out: string, lockPath: string, held: LockInfo | undefined): OutError => {
  if (!held) return new OutError(out, `locked by ${lockPath}, which is not a spec-beam lock; remove it if no run is writing here`);
  const o = parseOwnerTag(held.owner);
  const state = o ? ownerState(o) : "other-host";
  return new LockBusyError(out, `another run is writing it: ${describe(held)}` + (state === "other-host"
    ? `; if that run is dead, delete ${lockPath}` : ""));
};

const isDead = (held: LockInfo | undefined): boolean => {
  const o = held ? parseOwnerTag(held.owner) : undefined;
  return o !== undefined && ownerState(o) === "dead";
};

const lockInfo = (owner: OwnerTag, command: string, out: string): LockInfo => ({
  owner: owner.tag, pid: process.pid, host: os.hostname(), command: command, out: out,
  started: new Date().toISOString(),
});

const writeError = (out: string, dir: string, e: unknown): OutError => {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === "EACCES" || err.code === "EPERM" ? "permission denied"
    : err.code === "EROFS" ? "read-only file system" : err.code === "ENOSPC" ? "no space left on device"
      : err.code === "ENOTDIR" ? "a parent is not a directory" : err.message;
  return new OutError(out, `cannot write in ${dir}: ${why}`);
};

const acquireLocal = (out: string, owner: OwnerTag, command: string): RunLock => {
  const dir = path.dirname(out);
  const lockPath = path.join(dir, `.${path.basename(out)}.lock`);
  const mine = `${lockPath}.${owner.tag}`;
  const info = lockInfo(owner, command, out);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(mine, JSON.stringify(info));
  } catch (e) {
    throw writeError(out, dir, e);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(mine, lockPath);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw writeError(out, dir, e);
      }
      let text = "";
      try {
        text = fs.readFileSync(lockPath, "utf8");
      } catch {
        continue; // released in between: try again
      }
      const held = parseLock(text);
      if (attempt >= 3 || !isDead(held)) throw busy(out, lockPath, held);
      const aside = `${lockPath}.stale-${owner.tag}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch {
        continue;
      }
      if (fs.readFileSync(aside, "utf8") !== text) {
        // another run took the dead lock over between our read and our rename: give its lock back
        try {
          fs.linkSync(aside, lockPath);
        } catch {
          // it has a lock again either way
        }
        fs.rmSync(aside, { force: true });
        throw busy(out, lockPath, parseLock(fs.readFileSync(lockPath, "utf8")));
      }
      fs.rmSync(aside, { force: true });
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  return {
    path: lockPath,
    release: () => {
      try {
        if (parseLock(fs.readFileSync(lockPath, "utf8"))?.owner === owner.tag) fs.rmSync(lockPath, { force: true });
      } catch {
        // already gone
      }
    },
  };
};

const acquireGcs = (out: string, owner: OwnerTag, command: string): RunLock => {
  const cut = out.lastIndexOf("/");
  const lockPath = `${out.slice(0, cut)}/.${out.slice(cut + 1)}.lock`;
  const body = Buffer.from(JSON.stringify(lockInfo(owner, command, out)), "utf8");
  let generation = gcsWriteIf(lockPath, body, "0");
  for (let attempt = 0; generation === undefined; attempt++) {
    const cur = gcsReadGen(lockPath);
    if (!cur) {
      generation = gcsWriteIf(lockPath, body, "0");
      continue;
    }
    const held = parseLock(Buffer.from(cur.bytes).toString("utf8"));
    if (attempt >= 3 || !isDead(held)) throw busy(out, lockPath, held);
    generation = gcsWriteIf(lockPath, body, cur.generation);
  }
  const gen = generation;
  return {
    path: lockPath,
    release: () => {
      try {
        gcsDelete(lockPath, { ignoreMissing: true, ifGeneration: gen });
      } catch {
        // a lock we cannot delete is reported by the next run with its owner
      }
    },
  };
};

const acquireLock = (out: string, gcs: boolean, owner: OwnerTag, command: string): RunLock =>
  (gcs ? acquireGcs(out, owner, command) : acquireLocal(out, owner, command));

export { acquireLock, LockBusyError, RunLock, LockInfo };
