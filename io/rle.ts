// The RLE / bit-packed hybrid encoding of Parquet, used for repetition and definition levels
// and dictionary indices. Decodes straight into a typed array: levels of a 768-d vector
// column are ~15M entries per 20k rows, where per-value JS arrays cost seconds of GC.

type IntArray = Uint8Array | Uint16Array | Uint32Array;

const bitWidthOf = (maxValue: number): number => (maxValue === 0 ? 0 : 32 - Math.clz32(maxValue));

/** A read position in hybrid-encoded bytes, moved on by the readers below. */
interface RunCursor {
  p: number;
}

/**
 * The ULEB128 header of the run at cur.p (cur.p moves past it): even = an RLE run of header / 2 copies of one
 * value, odd = (header - 1) / 2 bit-packed groups of 8 values.
 */
const runHeader = (bytes: Uint8Array, cur: RunCursor): number => {
  let header = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[cur.p++];
    header += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return header;
    shift += 7;
  }
};

/** The repeated value of an RLE run, little-endian in valueBytes bytes at cur.p (cur.p moves past it). */
const runValue = (bytes: Uint8Array, cur: RunCursor, valueBytes: number): number => {
  let value = 0;
  for (let i = 0; i < valueBytes; i++) value += bytes[cur.p + i] * 2 ** (8 * i);
  cur.p += valueBytes;
  return value;
};

// Returns the position after the last byte consumed.
const decodeHybrid = (
  bytes: Uint8Array, start: number, end: number, bitWidth: number, count: number, out: IntArray,
): number => {
  const cur: RunCursor = { p: start };
  let n = 0;
  const valueBytes = (bitWidth + 7) >>> 3;
  while (n < count) {
    if (cur.p >= end) throw new Error(`RLE data ends after ${n} of ${count} values`);
    const header = runHeader(bytes, cur);
    if (header % 2 === 0) {
      const runLength = header / 2;
      const value = runValue(bytes, cur, valueBytes);
      const stop = Math.min(count, n + runLength);
      out.fill(value, n, stop);
      n = stop;
    } else {
      const groups = (header - 1) / 2;
      const runValues = groups * 8;
      const runBytes = groups * bitWidth;
      const stop = Math.min(count, n + runValues);
      if (bitWidth === 0) {
        out.fill(0, n, stop);
      } else if (bitWidth <= 24) {
        const mask = (1 << bitWidth) - 1;
        let acc = 0;
        let accBits = 0;
        let q = cur.p;
        for (let i = n; i < stop; i++) {
          while (accBits < bitWidth) {
            acc |= bytes[q++] << accBits;
            accBits += 8;
          }
          out[i] = acc & mask;
          acc >>>= bitWidth;
          accBits -= bitWidth;
        }
      } else {
        const scale = 2 ** bitWidth;
        let acc = 0;
        let accBits = 0;
        let q = cur.p;
        for (let i = n; i < stop; i++) {
          while (accBits < bitWidth) {
            acc += bytes[q++] * 2 ** accBits;
            accBits += 8;
          }
          out[i] = acc % scale;
          acc = Math.floor(acc / scale);
          accBits -= bitWidth;
        }
      }
      cur.p += runBytes;
      n = stop;
    }
  }
  return cur.p;
};

// True when the first `count` values are all `value` and encoded as RLE runs only: the usual
// definition levels of a column without nulls, recognised without decoding millions of entries.
const isConstantRuns = (bytes: Uint8Array, start: number, end: number, bitWidth: number, count: number, value: number): boolean => {
  const cur: RunCursor = { p: start };
  let n = 0;
  const valueBytes = (bitWidth + 7) >>> 3;
  while (n < count) {
    if (cur.p >= end) return false;
    const header = runHeader(bytes, cur);
    if (header % 2 === 1) return false;
    if (runValue(bytes, cur, valueBytes) !== value) return false;
    n += header / 2;
  }
  return true;
};

export { bitWidthOf, decodeHybrid, isConstantRuns, runHeader };
export type { IntArray, RunCursor };
