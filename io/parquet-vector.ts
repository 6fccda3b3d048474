// Decodes a list<float|double> column chunk straight into a row-major typed array, checking
// every row on the way (null vector, null element, length != dim, NaN/Inf). hyparquet and
// @dsnp/parquetjs both build one JS array per row and per value here, which measured 40-100x
// slower (numbers in io/source.ts); levels and values are decoded with typed arrays instead.
import type { ByteSource } from "./bytes";
import { InputError } from "./errors";
import type { ColumnMetaData } from "./hyparquet";
import { PageCursor } from "./parquet-pages";
import type { Page } from "./parquet-pages";
import type { VectorColumn } from "./parquet-footer";
import { bitWidthOf, decodeHybrid } from "./rle";

type FloatArray = Float32Array | Float64Array;

// Scratch buffers reused across pages: a 768-d row group has millions of level entries.
let repScratch = new Uint8Array(0);
let defScratch = new Uint8Array(0);
let byteScratch = new Uint8Array(0);
const growBytes = (a: Uint8Array, n: number): Uint8Array => (a.length >= n ? a : new Uint8Array(Math.max(n, a.length * 2)));

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
const decodeLevels = (page: Page, col: VectorColumn): { n: number; valuesStart: number } => {
  const h = page.header;
  const bytes = page.data;
  const repWidth = bitWidthOf(1);
  const defWidth = bitWidthOf(col.maxDef);
  if (h.type === "DATA_PAGE" && h.data_page_header) {
    const n = h.data_page_header.num_values;
    const enc = h.data_page_header.definition_level_encoding;
    if (enc !== "RLE" || h.data_page_header.repetition_level_encoding !== "RLE") {
      throw new Error(`unsupported level encoding ${enc} (only RLE)`);
    }
    repScratch = growBytes(repScratch, n);
    defScratch = growBytes(defScratch, n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let p = 0;
    const repLen = view.getUint32(p, true);
    decodeHybrid(bytes, p + 4, p + 4 + repLen, repWidth, n, repScratch);
    p += 4 + repLen;
    const defLen = view.getUint32(p, true);
    decodeHybrid(bytes, p + 4, p + 4 + defLen, defWidth, n, defScratch);
    p += 4 + defLen;
    return { n: n, valuesStart: p };
  }
  const v2 = h.data_page_header_v2;
  if (h.type === "DATA_PAGE_V2" && v2) {
    const n = v2.num_values;
    repScratch = growBytes(repScratch, n);
    defScratch = growBytes(defScratch, n);
    const repLen = v2.repetition_levels_byte_length;
    const defLen = v2.definition_levels_byte_length;
    decodeHybrid(bytes, 0, repLen, repWidth, n, repScratch);
    decodeHybrid(bytes, repLen, repLen + defLen, defWidth, n, defScratch);
    return { n: n, valuesStart: repLen + defLen };
  }
  throw new Error(`unexpected page type ${h.type}`);
};

const pageEncoding = (page: Page): string =>
  (page.header.data_page_header?.encoding ?? page.header.data_page_header_v2?.encoding) as string;

const readDictionary = (page: Page, col: VectorColumn): FloatArray => {
  const n = page.header.dictionary_page_header?.num_values ?? 0;
  const vals = plainValues(page.data, 0, n, col.physical);
  return vals instanceof Float32Array ? Float32Array.from(vals) : Float64Array.from(vals);
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
  const cursor = new PageCursor(src, meta, Number(meta.total_compressed_size));
  const dim = t.dim;
  const out = t.out;
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
    let n: number;
    let values: FloatArray;
    try {
      const lv = decodeLevels(page, col);
      n = lv.n;
      let starts = 0;
      for (let i = 0; i < n; i++) if (repScratch[i] === 0) starts++;
      if (row + starts < t.selStart) {
        row += starts;
        continue;
      }
      values = decodeValues(pageEncoding(page), page.data, lv.valuesStart, countMax(defScratch, n, maxDef), col, dict);
    } catch (e) {
      throw new InputError(file, `column '${col.name}', page after row ${t.groupStart + Math.max(row, 0)}: ${(e as Error).message}`);
    }
    const rep = repScratch;
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
          const v = values[vi];
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

// Length of the first row of a column chunk: the vector dimension every other row must match.
const firstRowDim = (src: ByteSource, meta: ColumnMetaData, col: VectorColumn, groupStart: number): number => {
  const file = src.path;
  const cursor = new PageCursor(src, meta, 1 << 18);
  let dict: FloatArray | undefined;
  let started = false;
  let k = 0;
  for (;;) {
    let page: Page | undefined;
    try {
      page = cursor.next();
      if (!page) break;
      if (page.header.type === "DICTIONARY_PAGE") {
        dict = readDictionary(page, col);
        continue;
      }
      if (page.header.type !== "DATA_PAGE" && page.header.type !== "DATA_PAGE_V2") continue;
      const lv = decodeLevels(page, col);
      decodeValues(pageEncoding(page), page.data, lv.valuesStart, countMax(defScratch, lv.n, col.maxDef), col, dict);
      for (let i = 0; i < lv.n; i++) {
        if (repScratch[i] === 0) {
          if (started) return k;
          started = true;
        }
        const d = defScratch[i];
        if (d === col.maxDef) k++;
        else if (d < col.listDef) throw new InputError(file, `column '${col.name}', row ${groupStart}: vector is null`);
        else if (d >= col.elemDef) throw new InputError(file, `column '${col.name}', row ${groupStart}, element ${k}: null element`);
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(file, `column '${col.name}', first page: ${(e as Error).message}`);
    }
  }
  return k;
};

export { readVectorChunk, firstRowDim };
export type { FloatArray, ChunkTarget };
