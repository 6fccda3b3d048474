// What a run read, cheaply: every input file with its size and version (local: modification time; gs://: object
// generation), and one hash of the list. `--skip-unchanged` compares it with the last recorded run's.
import * as crypto from "crypto";
import * as fs from "fs";
import { expandInputs } from "./paths";
import { gcsStat, isGcsPath } from "./gcs";

interface Fingerprint {
  files: { path: string; size: number; version: string }[];
  hash: string;
}

const statOf = (p: string): { path: string; size: number; version: string } => {
  if (isGcsPath(p)) {
    const s = gcsStat(p);
    return { path: p, size: Number(s.size), version: `generation ${s.generation}` };
  }
  const s = fs.statSync(p);
  return { path: p, size: s.size, version: `mtime ${s.mtimeMs}` };
};

/** The fingerprint of the inputs `specs` (files, directories, globs, gs:// prefixes) and of plain files `extra`. */
const inputsFingerprint = (specs: string[], extra: string[] = []): Fingerprint => {
  const files = [...specs.flatMap((s) => expandInputs(s)), ...extra].map(statOf);
  const hash = crypto.createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 16);
  return { files: files, hash: hash };
};

export { inputsFingerprint, Fingerprint };
