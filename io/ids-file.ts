// Ids for .npy/.npz inputs: a UTF-8 text file, one id per line, in row order.
import { openBytes } from "./bytes";
import { InputError } from "./errors";

let cache: { key: string; ids: string[] } | undefined;

const readIdsFile = (path: string): string[] => {
  const src = openBytes(path);
  const key = `${path}\u0000${src.version}`;
  if (cache?.key === key) return cache.ids;
  const text = src.read(0, src.size).toString("utf8");
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const ids = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  for (let i = 0; i < ids.length; i++) {
    if (ids[i].length === 0) throw new InputError(path, `line ${i + 1}: empty id`);
  }
  if (ids.length === 0) throw new InputError(path, "ids file is empty");
  cache = { key: key, ids: ids };
  return ids;
};

export { readIdsFile };
