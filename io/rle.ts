// The RLE / bit-packed hybrid encoding of Parquet, used for repetition and definition levels
// and dictionary indices. Decodes straight into a typed array: levels of a 768-d vector
// column are ~15M entries per 20k rows, where per-value JS arrays cost seconds of GC.

type IntArray = Uint8Array | Uint16Array | Uint32Array;

const bitWidthOf = (maxValue: number): number => (maxValue === 0 ? 0 : 32 - Math.clz32(maxValue));

// Returns the position after the last byte consumed.
const decodeHybrid = (
  bytes: Uint8Array, start: number, end: number, bitWidth: number, count: number, out: IntArray,
): number => {
  let p = start;
  let n = 0;
  const valueBytes = (bitWidth + 7) >>> 3;
  while (n < count) {
    if (p >= end) throw new Error(`RLE data ends after ${n} of ${count} values`);
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      header += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    if (header % 2 === 0) {
      const runLength = header / 2;
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value += bytes[p + i] * 2 ** (8 * i);
      p += valueBytes;
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
        let q = p;
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
        let q = p;
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
      p += runBytes;
      n = stop;
    }
  }
  return p;
};

// True when the first `count` values are all `value` and encoded as RLE runs only: the usual
// definition levels of a column without nulls, recognised without decoding millions of entries.
const isConstantRuns = (bytes: Uint8Array, start: number, end: number, bitWidth: number, count: number, value: number): boolean => {
  let p = start;
  let n = 0;
  const valueBytes = (bitWidth + 7) >>> 3;
  while (n < count) {
    if (p >= end) return false;
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      header += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    if (header % 2 === 1) return false;
    let v = 0;
    for (let i = 0; i < valueBytes; i++) v += bytes[p + i] * 2 ** (8 * i);
    p += valueBytes;
    if (v !== value) return false;
    n += header / 2;
  }
  return true;
};

export { bitWidthOf, decodeHybrid, isConstantRuns };
export type { IntArray };
