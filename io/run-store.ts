// A run directory that may be local or on gs://: the driver and the workers write the run's intermediate and
// final files through these calls, so a remote run (Dataflow, a Flink cluster) can put --out on Cloud Storage,
// the one place both the launcher and the workers can reach.
// Paths are a root (a local directory or gs://bucket/prefix) plus a relative name with "/" separators. On gs://
// a "directory" is a name prefix: nothing needs creating, and listing a directory lists the names under it.
import * as fs from "fs";
import * as path from "path";
import { gcsCopy, gcsDelete, gcsList, gcsReadAll, gcsWrite, isGcsPath, splitGcsPath } from "./gcs";

const join = (root: string, rel: string): string =>
  isGcsPath(root) ? `${root.replace(/\/+$/, "")}/${rel}` : path.join(root, ...rel.split("/"));

const storeWrite = (root: string, rel: string, data: Uint8Array | string): void => {
  const target = join(root, rel);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (isGcsPath(root)) {
    gcsWrite(target, bytes);
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, bytes);
};

const storeReadText = (root: string, rel: string): string => {
  const target = join(root, rel);
  if (isGcsPath(root)) return Buffer.from(gcsReadAll(target)).toString("utf8");
  return fs.readFileSync(target, "utf8");
};

/** The full path of `rel` for a writer that takes paths (e.g. writeParquet); local parent directories are made. */
const storeFile = (root: string, rel: string): string => {
  const target = join(root, rel);
  if (!isGcsPath(root)) fs.mkdirSync(path.dirname(target), { recursive: true });
  return target;
};

/** Names of the files directly in directory `rel` (sorted); [] when there is none. */
const storeList = (root: string, rel: string): string[] => {
  if (isGcsPath(root)) {
    const dir = `${join(root, rel)}/`;
    const loc = splitGcsPath(dir);
    return gcsList(loc.bucket, loc.name)
      .map((o) => o.path.slice(dir.length))
      .filter((n) => n.length > 0 && !n.includes("/"))
      .sort();
  }
  const dir = join(root, rel);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile()).sort() : [];
};

/** Every object under root (gs://) or file below it (local), as names relative to root. */
const listAll = (root: string): string[] => {
  if (isGcsPath(root)) {
    const prefix = `${root.replace(/\/+$/, "")}/`;
    const loc = splitGcsPath(prefix);
    return gcsList(loc.bucket, loc.name).map((o) => o.path.slice(prefix.length)).sort();
  }
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else out.push(r);
    }
  };
  walk(root, "");
  return out.sort();
};

const storeRename = (root: string, from: string, to: string): void => {
  if (isGcsPath(root)) {
    gcsCopy(join(root, from), join(root, to));
    gcsDelete(join(root, from));
    return;
  }
  fs.renameSync(join(root, from), storeFile(root, to));
};

const storeRemove = (root: string, rel: string): void => {
  if (isGcsPath(root)) {
    const full = join(root, rel);
    for (const n of listAll(full)) gcsDelete(`${full}/${n}`, { ignoreMissing: true });
    gcsDelete(full, { ignoreMissing: true });
    return;
  }
  fs.rmSync(join(root, rel), { recursive: true, force: true });
};

/** Removes the whole run directory (local) or every object under the prefix (gs://). */
const storeRemoveAll = (root: string): void => {
  if (isGcsPath(root)) {
    for (const n of listAll(root)) gcsDelete(`${root.replace(/\/+$/, "")}/${n}`, { ignoreMissing: true });
    return;
  }
  fs.rmSync(root, { recursive: true, force: true });
};

export { storeFile, storeWrite, storeReadText, storeList, storeRename, storeRemove, storeRemoveAll, join as storeJoin };
