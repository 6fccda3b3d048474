// Decodes a list<float|double> column chunk straight into a row-major typed array, checking
// every row on the way (null vector, null element, length != dim, NaN/Inf). hyparquet and
// @dsnp/parquetjs both build JS arrays per row here, measured 7-50x slower (numbers in
// io/source.ts); levels and values are decoded with typed arrays instead.
import type { ByteSource } from "./bytes";
import { InputError } from "./errors";
import type { ColumnMetaData } from "./hyparquet";
import { PageCursor } from "./parquet-pages";
import type { Page } from "./parquet-pages";
import type { VectorColumn } from "./parquet-footer";
import { bitWidthOf, decodeHybrid, isConstantRuns, runHeader } from "./rle";
import type { RunCursor } from "./rle";

type FloatArray = Float32Array | Float64Array;

// Scratch buffers reused across pages: a 768-d row group has millions of level entries.
let repScratch: Uint8Array<ArrayBuffer> = new Uint8Array(0);
let defScratch: Uint8Array<ArrayBuffer> = new Uint8Array(0);
let byteScratch: Uint8Array<ArrayBuffer> = new Uint8Array(0);
const growBytes = (a: Uint8Array, n: number): Uint8Array<ArrayBuffer> => (a.length >= n ? (a as Uint8Array<ArrayBuffer>) : new Uint8Array(Math.max(n, a.length * 2)));

const plainValues = (bytes: Uint8Array, start: number, count: number, physical: string): FloatArray => {
  const width = physical === "FLOAT" ? 4 : 8;
  const nb = count * width;
  if (start + nb > bytes.length) throw new Error(`page holds ${Math.floor((bytes.length - start) / width)} values, levels say ${count}`);
  let src = bytes.subarray(start, start + nb);
  if (src.byteOffset % width !== 0) {
    byteScratch = growBytes(byteScratch, nb);
    byteScratch.set(src, 0);
    src = byteScratch.subarray(0, nb);
  }
  return physical === "FLOAT" ? new Float32Array(src.buffer, src.byteOffset, count) : new Float64Array(src.buffer, src.byteOffset, count);
};

const byteStreamSplitValues = (bytes: Uint8Array, start: number, count: number, physical: string): FloatArray => {
  const width = physical === "FLOAT" ? 4 : 8;
  if (start + count * width > bytes.length) throw new Error("BYTE_STREAM_SPLIT page is shorter than its value count");
  const out = new Uint8Array(count * width);
  for (let b = 0; b < width; b++) {
    const stream = start + b * count;
    for (let i = 0; i < count; i++) out[i * width + b] = bytes[stream + i];
  }
  return physical === "FLOAT" ? new Float32Array(out.buffer) : new Float64Array(out.buffer);
};

const dictionaryValues = (bytes: Uint8Array, start: number, count: number, dict: FloatArray | undefined): FloatArray => {
  if (!dict) throw new Error("dictionary-encoded page without a dictionary page");
  const indices = new Uint32Array(count);
  decodeHybrid(bytes, start + 1, bytes.length, bytes[start], count, indices);
  const out = dict instanceof Float32Array ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const ix = indices[i];
    if (ix >= dict.length) throw new Error(`dictionary index ${ix} out of range (dictionary has ${dict.length} values)`);
    out[i] = dict[ix];
  }
  return out;
};

const decodeValues = (encoding: string, bytes: Uint8Array, start: number, count: number, col: VectorColumn, dict: FloatArray | undefined): FloatArray => {
  switch (encoding) {
    case "PLAIN":
      return plainValues(bytes, start, count, col.physical);
    case "BYTE_STREAM_SPLIT":
      return byteStreamSplitValues(bytes, start, count, col.physical);
    case "PLAIN_DICTIONARY":
    case "RLE_DICTIONARY":
      return dictionaryValues(bytes, start, count, dict);
    default:
      throw new Error(`unsupported encoding ${encoding} for ${col.physical} values`);
  }
};

const countMax = (def: Uint8Array, n: number, maxDef: number): number => {
  let c = 0;
  for (let i = 0; i < n; i++) if (def[i] === maxDef) c++;
  return c;
};

// Levels only; values are decoded on demand so pages before the wanted rows cost little.
// `dense`: every entry is a present value (no null or empty lists), in which case the
// definition levels are not materialised when they are stored as constant runs.
interface Levels {
  n: number;
  valuesStart: number;
  nonNull: number;
  dense: boolean;
  /** encoded repetition levels: page.data[repStart, repEnd); decoded into repScratch only when needed (decodeRep) */
  repStart: number;
  repEnd: number;
}

const decodeRep = (page: Page, lv: Levels): void => {
  repScratch = growBytes(repScratch, lv.n);
  decodeHybrid(page.data, lv.repStart, lv.repEnd, 1, lv.n, repScratch);
};

const decodeLevels = (page: Page, col: VectorColumn): Levels => {
  const h = page.header;
  const bytes = page.data;
  const defWidth = bitWidthOf(col.maxDef);
  let n: number;
  let repStart: number;
  let repEnd: number;
  let defStart: number;
  let defEnd: number;
  let valuesStart: number;
  const v2 = h.data_page_header_v2;
  if (h.type === "DATA_PAGE" && h.data_page_header) {
    const daph = h.data_page_header;
    n = daph.num_values;
    if (daph.definition_level_encoding !== "RLE" || daph.repetition_level_encoding !== "RLE") {
      throw new Error(`unsupported level encoding ${daph.definition_level_encoding} (only RLE)`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    repStart = 4;
    repEnd = repStart + view.getUint32(0, true);
    defStart = repEnd + 4;
    defEnd = defStart + view.getUint32(repEnd, true);
    valuesStart = defEnd;
  } else if (h.type === "DATA_PAGE_V2" && v2) {
    n = v2.num_values;
    repStart = 0;
    repEnd = v2.repetition_levels_byte_length;
    defStart = repEnd;
    defEnd = defStart + v2.definition_levels_byte_length;
    valuesStart = defEnd;
  } else {
    throw new Error(`unexpected page type ${h.type}`);
  }
  if (isConstantRuns(bytes, defStart, defEnd, defWidth, n, col.maxDef)) {
    return { n: n, valuesStart: valuesStart, nonNull: n, dense: true, repStart: repStart, repEnd: repEnd };
  }
  defScratch = growBytes(defScratch, n);
  decodeHybrid(bytes, defStart, defEnd, defWidth, n, defScratch);
  const nonNull = countMax(defScratch, n, col.maxDef);
  return { n: n, valuesStart: valuesStart, nonNull: nonNull, dense: nonNull === n, repStart: repStart, repEnd: repEnd };
};

const pageEncoding = (page: Page): string =>
  (page.header.data_page_header?.encoding ?? page.header.data_page_header_v2?.encoding) as string;

const readDictionary = (page: Page, col: VectorColumn): FloatArray => {
  const n = page.header.dictionary_page_header?.num_values ?? 0;
  const vals = plainValues(page.data, 0, n, col.physical);
  return vals instanceof Float32Array ? Float32Array.from(vals) : Float64Array.from(vals);
};

/**
 * True when the n repetition levels, still encoded (RLE / bit-packed hybrid, bit width 1, bytes [start, end)), are
 * exactly rows of `dim` entries each: level 0 at every multiple of dim and 1 elsewhere. Checked run by run without
 * decoding: writers store a row as "one 0, a run of dim - 1 ones", a few bytes per row.
 */
const wholeRows = (bytes: Uint8Array, start: number, end: number, n: number, dim: number): boolean => {
  const cur: RunCursor = { p: start };
  let pos = 0;
  while (pos < n) {
    if (cur.p >= end) return false;
    const header = runHeader(bytes, cur);
    if (header % 2 === 0) {
      const len = Math.min(header / 2, n - pos);
      const v = bytes[cur.p++];
      const phase = pos % dim;
      if (v === 0) {
        if (dim !== 1 && !(len === 1 && phase === 0)) return false;
      } else if (v === 1) {
        if (dim === 1 || phase === 0 || phase + len > dim) return false;
      } else {
        return false;
      }
      pos += len;
    } else {
      const groups = (header - 1) / 2;
      const stop = Math.min(n, pos + groups * 8);
      for (let q = 0; pos < stop; q++, pos++) {
        const bit = (bytes[cur.p + (q >>> 3)] >>> (q & 7)) & 1;
        if (bit !== (pos % dim === 0 ? 0 : 1)) return false;
      }
      cur.p += groups;
    }
  }
  return pos === n;
};

/** Index of the first NaN/Inf in out[from, to), or -1. */
const firstNonFinite = (out: FloatArray, from: number, to: number): number => {
  for (let q = from; q < to; q++) {
    const v = out[q];
    if (v - v !== 0) return q;
  }
  return -1;
};

interface ChunkTarget {
  groupStart: number; // global index of the row group's first row within the file
  groupRows: number;
  selStart: number; // rows wanted, relative to the row group
  selEnd: number;
  dim: number;
  out: FloatArray;
  outRow: number; // row of `out` that receives row selStart
}

// Reads the full column chunk with one ranged read when most of it is needed.
const readVectorChunk = (src: ByteSource, meta: ColumnMetaData, col: VectorColumn, t: ChunkTarget): void => {
  const file = src.path;
  const where = (row: number): string => `column '${col.name}', row ${t.groupStart + row}`;
  // One ranged read of the whole chunk, unless the selection ends early in the row group (the bandwidth sample
  // reads ~50 head rows of a 20,000-row group): then read windows of about the bytes needed, not ~140 MB.
  const total = Number(meta.total_compressed_size);
  const window = t.selEnd >= t.groupRows ? total
    : Math.min(total, Math.max(1 << 20, Math.ceil((total * t.selEnd) / t.groupRows * 1.1)));
  const cursor = new PageCursor(src, meta, window);
  const dim = t.dim;
  const out = t.out;
  const width = col.physical === "FLOAT" ? 4 : 8;
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const maxDef = col.maxDef;
  let dict: FloatArray | undefined;
  let row = -1;
  let k = 0;
  let inSel = false;
  let base = 0;
  let done = false;
  while (!done) {
    let page: Page | undefined;
    try {
      page = cursor.next();
    } catch (e) {
      throw new InputError(file, `column '${col.name}', row group at row ${t.groupStart}: ${(e as Error).message}`);
    }
    if (!page) break;
    if (page.header.type === "DICTIONARY_PAGE") {
      dict = readDictionary(page, col);
      continue;
    }
    if (page.header.type !== "DATA_PAGE" && page.header.type !== "DATA_PAGE_V2") continue;
    let lv: Levels;
    // PLAIN values of a dense page are copied byte-wise straight into `out`; others are decoded.
    let values: FloatArray | undefined;
    // whole fixed-length rows, recognised from the encoded levels (the usual page): no level is decoded
    let fixed = false;
    try {
      lv = decodeLevels(page, col);
      fixed = lv.dense && (row === -1 || k === dim) && lv.n % dim === 0 &&
        wholeRows(page.data, lv.repStart, lv.repEnd, lv.n, dim);
      if (!fixed) decodeRep(page, lv);
      if (row + 1 < t.selStart) {
        let starts = fixed ? lv.n / dim : 0;
        if (!fixed) for (let i = 0; i < lv.n; i++) if (repScratch[i] === 0) starts++;
        if (row + starts < t.selStart) {
          row += starts;
          continue;
        }
      }
      const encoding = pageEncoding(page);
      if (lv.dense && encoding === "PLAIN") {
        if (lv.valuesStart + lv.n * width > page.data.length) throw new Error(`page holds fewer than its ${lv.n} values`);
      } else {
        values = decodeValues(encoding, page.data, lv.valuesStart, lv.nonNull, col, dict);
      }
    } catch (e) {
      throw new InputError(file, `column '${col.name}', page after row ${t.groupStart + Math.max(row, 0)}: ${(e as Error).message}`);
    }
    const n = lv.n;
    if (fixed && !values) {
      // The usual page: whole fixed-length rows only. Its selected rows are one contiguous byte range, copied with
      // one call and checked for NaN/Inf in one loop (the row-by-row path below costs ~3x more per value).
      const first = row + 1;
      const last = row + n / dim;
      const a = Math.max(first, t.selStart);
      const b = Math.min(last, t.selEnd - 1);
      if (a <= b) {
        const dst = (t.outRow + a - t.selStart) * dim;
        const count = (b + 1 - a) * dim;
        const src = lv.valuesStart + (a - first) * dim * width;
        outBytes.set(page.data.subarray(src, src + count * width), dst * width);
        const bad = firstNonFinite(out, dst, dst + count);
        if (bad >= 0) {
          const r = a + Math.floor((bad - dst) / dim);
          throw new InputError(file, `${where(r)}, element ${(bad - dst) % dim}: non-finite value ${out[bad]}`);
        }
      }
      row = last;
      k = dim;
      inSel = row >= t.selStart && row < t.selEnd;
      if (row >= t.selEnd - 1) {
        done = true;
        inSel = false;
      }
      continue;
    }
    if (fixed) decodeRep(page, lv);
    const rep = repScratch;
    if (lv.dense) {
      // Entry i is value i, so a row is the run between two rep == 0 marks and is copied as one
      // block, with no definition levels to look at.
      const raw = page.data;
      const rawStart = lv.valuesStart;
      let i = 0;
      while (i < n) {
        if (rep[i] === 0) {
          if (inSel && k !== dim) throw new InputError(file, `${where(row)}: vector has dimension ${k}, expected ${dim}`);
          row++;
          k = 0;
          if (row >= t.selEnd) {
            done = true;
            inSel = false;
            break;
          }
          inSel = row >= t.selStart;
          base = (t.outRow + row - t.selStart) * dim;
        }
        let j = i + 1;
        while (j < n && rep[j] !== 0) j++;
        if (inSel) {
          const c = Math.min(j - i, dim - k);
          if (c > 0) {
            const dst = base + k;
            if (values) (out as Float64Array).set(values.subarray(i, i + c), dst);
            else outBytes.set(raw.subarray(rawStart + i * width, rawStart + (i + c) * width), dst * width);
            for (let q = dst; q < dst + c; q++) {
              const v = out[q];
              if (v - v !== 0) throw new InputError(file, `${where(row)}, element ${q - base}: non-finite value ${v}`);
            }
          }
        }
        k += j - i;
        i = j;
      }
      continue;
    }
    const vals = values as FloatArray;
    const def = defScratch;
    let vi = 0;
    for (let i = 0; i < n; i++) {
      if (rep[i] === 0) {
        if (inSel && k !== dim) throw new InputError(file, `${where(row)}: vector has dimension ${k}, expected ${dim}`);
        row++;
        k = 0;
        if (row >= t.selEnd) {
          done = true;
          inSel = false;
          break;
        }
        inSel = row >= t.selStart;
        base = (t.outRow + row - t.selStart) * dim;
      }
      const d = def[i];
      if (d === maxDef) {
        if (inSel && k < dim) {
          const v = vals[vi];
          if (v - v !== 0) throw new InputError(file, `${where(row)}, element ${k}: non-finite value ${v}`);
          out[base + k] = v;
        }
        vi++;
        k++;
      } else if (inSel) {
        if (d < col.listDef) throw new InputError(file, `${where(row)}: vector is null`);
        if (d >= col.elemDef) throw new InputError(file, `${where(row)}, element ${k}: null element`);
      }
    }
  }
  if (inSel && k !== dim) throw new InputError(file, `${where(row)}: vector has dimension ${k}, expected ${dim}`);
  const seen = done ? t.selEnd : row + 1;
  if (seen < t.selEnd) {
    throw new InputError(file, `column '${col.name}': row group starting at row ${t.groupStart} holds ${seen} rows, footer says ${t.groupRows}`);
  }
};

// Entries decoded when looking for the end of the first row: dimensions up to this are found
// from one page prefix; a longer first row falls back to decoding the whole page.
const FIRST_ROW_SCAN = 1 << 16;

// Length of the first row of a column chunk: the dimension every other row must match. Only
// levels are needed, and only the start of the first data page.
const firstRowDim = (src: ByteSource, meta: ColumnMetaData, col: VectorColumn, groupStart: number): number => {
  const file = src.path;
  const cursor = new PageCursor(src, meta, 1 << 18);
  const defWidth = bitWidthOf(col.maxDef);
  let started = false;
  let k = 0;
  try {
    for (;;) {
      const ref = cursor.nextHeader();
      if (!ref) break;
      const h = ref.header;
      if (h.type !== "DATA_PAGE" && h.type !== "DATA_PAGE_V2") continue;
      let bytes: Uint8Array;
      let n: number;
      let defStart: number;
      let defEnd: number;
      let scan: number;
      if (h.type === "DATA_PAGE_V2" && h.data_page_header_v2) {
        const v2 = h.data_page_header_v2;
        n = v2.num_values;
        scan = Math.min(n, FIRST_ROW_SCAN);
        bytes = cursor.prefix(ref, v2.repetition_levels_byte_length + v2.definition_levels_byte_length);
        repScratch = growBytes(repScratch, scan);
        decodeHybrid(bytes, 0, v2.repetition_levels_byte_length, 1, scan, repScratch);
        defStart = v2.repetition_levels_byte_length;
        defEnd = defStart + v2.definition_levels_byte_length;
      } else {
        const daph = h.data_page_header;
        if (!daph) throw new Error("data page without header");
        n = daph.num_values;
        scan = Math.min(n, FIRST_ROW_SCAN);
        bytes = cursor.prefix(ref, 4);
        const repLen = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
        // Levels of `scan` entries take at most this many bytes (bit-packed, plus run headers).
        bytes = cursor.prefix(ref, 8 + repLen + Math.ceil((scan * defWidth) / 8) + 64 + 16 * Math.ceil(scan / 8));
        if (bytes.length < 8 + repLen) bytes = cursor.body(ref).data;
        repScratch = growBytes(repScratch, scan);
        decodeHybrid(bytes, 4, 4 + repLen, 1, scan, repScratch);
        defStart = 8 + repLen;
        defEnd = Math.min(bytes.length, defStart + new DataView(bytes.buffer, bytes.byteOffset + 4 + repLen, 4).getUint32(0, true));
      }
      let m = 0;
      while (m < scan && !(started && repScratch[m] === 0)) {
        if (repScratch[m] === 0) started = true;
        m++;
      }
      if (m === scan && scan < n) {
        throw new Error(`first row has more than ${FIRST_ROW_SCAN} entries; vectors that long are not supported`);
      }
      defScratch = growBytes(defScratch, m);
      decodeHybrid(bytes, defStart, defEnd, defWidth, m, defScratch);
      for (let i = 0; i < m; i++) {
        const d = defScratch[i];
        if (d === col.maxDef) k++;
        else if (d < col.listDef) throw new InputError(file, `column '${col.name}', row ${groupStart}: vector is null`);
        else if (d >= col.elemDef) throw new InputError(file, `column '${col.name}', row ${groupStart}, element ${k}: null element`);
      }
      if (m < n) return k;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `column '${col.name}', first page: ${(e as Error).message}`);
  }
  return k;
};

export { readVectorChunk, firstRowDim };
export type { FloatArray, ChunkTarget };
