// Duplicate-id detection without gathering ids on one worker: the Gram pass buckets every (id, row) by a hash of
// the id, each bucket travels as one byte element (~<= 1 MB), and buckets are checked independently (equal ids
// always share a bucket). Costs no extra read of the data.
import { InputError } from "../io/errors";

const BUCKET_TARGET_BYTES = 1 << 20;
/** assumed bytes per "id\trow\n" entry when sizing the buckets */
const ENTRY_BYTES_ESTIMATE = 32;

const idBucketCount = (n: number): number => Math.max(1, Math.ceil((n * ENTRY_BYTES_ESTIMATE) / BUCKET_TARGET_BYTES));

const idHash = (id: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
};

class IdBuckets {
  private readonly parts: string[][];

  constructor(private readonly buckets: number) {
    this.parts = Array.from({ length: buckets }, () => []);
  }

  add(ids: string[], globalStart: number): void {
    for (let i = 0; i < ids.length; i++) {
      this.parts[idHash(ids[i]) % this.buckets].push(`${ids[i]}\t${globalStart + i}`);
    }
  }

  /** One element per non-empty bucket: key "ids:<bucket>", value the UTF-8 lines "id<TAB>row". */
  drain(): { key: string; value: Uint8Array }[] {
    const out: { key: string; value: Uint8Array }[] = [];
    this.parts.forEach((p, b) => {
      if (p.length > 0) out.push({ key: `ids:${b}`, value: new Uint8Array(Buffer.from(p.join("\n"), "utf8")) });
      this.parts[b] = [];
    });
    return out;
  }
}

/** Throws naming the first duplicated id and two of its rows; `source` names the input for the message. */
const checkIdBucket = (values: Iterable<Uint8Array>, source: string): void => {
  const seen = new Map<string, string>();
  for (const v of values) {
    const text = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("utf8");
    for (const line of text.split("\n")) {
      const tab = line.lastIndexOf("\t");
      const id = line.slice(0, tab);
      const row = line.slice(tab + 1);
      const prev = seen.get(id);
      if (prev !== undefined) {
        const rows = [Number(prev), Number(row)].sort((a, b) => a - b);
        throw new InputError(source, `duplicate id '${id}' at global rows ${rows[0]} and ${rows[1]}: ids must be unique`);
      }
      seen.set(id, row);
    }
  }
};

export { IdBuckets, idBucketCount, checkIdBucket, idHash };
