// Who made a temporary directory, lock or prefix: every name spec-beam leaves beside or inside --out while a run is
// in flight ends in an owner tag "<pid>-<host tag>-<process start>-<random>", so a later run can tell a dead
// owner's leftovers from a live run's files without any registry. The process start (Linux: field 22 of
// /proc/PID/stat, clock ticks since boot) guards against a recycled pid; a zombie counts as dead.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";

interface OwnerTag {
  pid: number;
  host: string;
  start: string;
  tag: string;
}

/** FNV-1a 32 of the host name, 8 hex digits: short enough for file names, stable across runs. */
const hostTag = (host: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    h ^= host.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
};

/** Fields of /proc/PID/stat after the parenthesised command (which may itself hold spaces and parentheses). */
const procStat = (pid: number): string[] | undefined => {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
};

/** The process start in base 36, or "0" where /proc is missing (then only the pid is checked). */
const processStart = (pid: number): string => {
  const f = procStat(pid);
  return f && f.length > 19 ? Number(f[19]).toString(36) : "0";
};

let self: OwnerTag | undefined;

/** This process's tag; the random part tells apart two runs of one process (tests, a driver calling twice). */
const newOwnerTag = (): OwnerTag => {
  if (!self) self = { pid: process.pid, host: hostTag(os.hostname()), start: processStart(process.pid), tag: "" };
  const rand = crypto.randomBytes(3).toString("hex");
  return { ...self, tag: `${self.pid}-${self.host}-${self.start}-${rand}` };
};

const TAG_PATTERN = /^(\d+)-([0-9a-f]{8})-([0-9a-z]+)-([0-9a-f]{6})$/;

const parseOwnerTag = (tag: string): OwnerTag | undefined => {
  const m = TAG_PATTERN.exec(tag);
  return m ? { pid: Number(m[1]), host: m[2], start: m[3], tag: tag } : undefined;
};

/** Whether a process with this pid exists on this host (EPERM: it does, under another user). */
const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
};

type OwnerState = "alive" | "dead" | "other-host";

const ownerState = (o: OwnerTag): OwnerState => {
  if (o.host !== hostTag(os.hostname())) return "other-host";
  if (!pidAlive(o.pid)) return "dead";
  const f = procStat(o.pid);
  if (!f) return o.start === "0" ? "alive" : "dead";
  if (f[0] === "Z" || f[0] === "X") return "dead";
  return o.start === "0" || Number(f[19]).toString(36) === o.start ? "alive" : "dead";
};

export { OwnerTag, OwnerState, newOwnerTag, parseOwnerTag, ownerState, hostTag, pidAlive };
