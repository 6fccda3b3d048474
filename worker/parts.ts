// The score parts' manifest, written once from the part records the runner kept (transforms/score-pass.ts groups
// them under one key): the driver publishes exactly the listed files (run-dir/files.ts, commitScoreParts).
import { PART_KEY_PREFIX, PartRecord } from "../run-dir/layout";
import { writePartsManifest } from "../run-dir/files";

const isPartKey = (key: string): boolean => key.startsWith(PART_KEY_PREFIX);

const writeManifest = (tmpDir: string, records: Iterable<string>): void => {
  const parts: PartRecord[] = [];
  for (const r of records) parts.push(JSON.parse(r) as PartRecord);
  parts.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  writePartsManifest(tmpDir, parts);
};

export { isPartKey, writeManifest };
