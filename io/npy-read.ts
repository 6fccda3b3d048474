// .npy and .npz inputs: header inspection, then rows by byte range (stored data) or from the
// inflated member (np.savez_compressed).
import { openBytes } from "./bytes";
import type { ByteSource } from "./bytes";
import { InputError } from "./errors";
import { readIdsFile } from "./ids-file";
import { itemSize, NPY_PREFIX, npyRowsFromBytes, parseNpyHeader } from "./npy";
import type { NpyHeader } from "./npy";
import { chooseMember, inflateMember, inflatePrefix, listZipMembers, memberDataOffset } from "./npz";
import type { Chunk, RowBlock, SourceInfo, SourceOptions } from "./source-info";

const CHUNK_BYTES = 64 << 20;

const fixedChunks = (rows: number, chunkRows: number): Chunk[] => {
  const chunks: Chunk[] = [];
  for (let s = 0; s < rows; s += chunkRows) chunks.push({ start: s, count: Math.min(chunkRows, rows - s) });
  return chunks;
};

const finishInfo = (path: string, format: "npy" | "npz", h: NpyHeader, dataOffset: number, opts: SourceOptions): SourceInfo => {
  if (h.rows === 0) throw new InputError(path, "empty input: the array has zero rows");
  if (h.cols === 0) throw new InputError(path, "the array has zero columns (dimension 0)");
  if (opts.metadataColumns && opts.metadataColumns.length > 0) {
    throw new InputError(path, `metadata columns (${opts.metadataColumns.join(", ")}) need a Parquet input; .${format} holds only vectors`);
  }
  if (opts.idsFile !== undefined) {
    const n = readIdsFile(opts.idsFile).length;
    if (n !== h.rows) throw new InputError(path, `has ${h.rows} rows but ids file ${opts.idsFile} has ${n} ids`);
  }
  const chunkRows = opts.chunkRows ?? Math.max(1, Math.floor(CHUNK_BYTES / (h.cols * itemSize(h.dtype))));
  return {
    path: path,
    format: format,
    rows: h.rows,
    dim: h.cols,
    dtype: h.dtype,
    idType: opts.idsFile !== undefined ? "string" : undefined,
    chunks: fixedChunks(h.rows, chunkRows),
    idsFile: opts.idsFile,
    dataOffset: dataOffset,
  };
};

const checkSize = (path: string, h: NpyHeader, available: number): void => {
  const need = h.rows * h.cols * itemSize(h.dtype);
  if (available < need) throw new InputError(path, `truncated array: header says ${h.rows} x ${h.cols} (${need} bytes), only ${available} bytes follow`);
};

const inspectNpy = (path: string, opts: SourceOptions): SourceInfo => {
  const src = openBytes(path);
  if (src.size === 0) throw new InputError(path, "empty file (0 bytes), not a .npy array");
  const h = parseNpyHeader(path, src.read(0, Math.min(src.size, NPY_PREFIX)));
  checkSize(path, h, src.size - h.headerLength);
  return finishInfo(path, "npy", h, h.headerLength, opts);
};

const inspectNpz = (path: string, opts: SourceOptions): SourceInfo => {
  const src = openBytes(path);
  const m = chooseMember(path, listZipMembers(src), opts.npzKey);
  const where = `${path} [${m.name}]`;
  const offset = memberDataOffset(src, m);
  let h: NpyHeader;
  let dataOffset: number;
  if (m.method === 0) {
    h = parseNpyHeader(where, src.read(offset, Math.min(m.size, NPY_PREFIX)));
    dataOffset = offset + h.headerLength;
  } else if (m.method === 8) {
    h = parseNpyHeader(where, inflatePrefix(src, offset, m, Math.min(m.size, NPY_PREFIX)));
    dataOffset = h.headerLength;
  } else {
    throw new InputError(path, `member ${m.name} uses zip compression method ${m.method}; only stored and deflated are supported`);
  }
  checkSize(where, h, m.size - h.headerLength);
  const info = finishInfo(path, "npz", h, dataOffset, opts);
  info.npzKey = m.name.slice(0, -4);
  info.npzMember = { name: m.name, method: m.method, offset: offset, compressedSize: m.compressedSize, size: m.size };
  return info;
};

const readNpyRows = (info: SourceInfo, start: number, count: number, opts: SourceOptions): RowBlock => {
  const src: ByteSource = openBytes(info.path);
  const rowBytes = info.dim * itemSize(info.dtype);
  const dataOffset = info.dataOffset as number;
  let bytes: Uint8Array;
  const m = info.npzMember;
  if (m && m.method === 8) {
    const member = inflateMember(src, m.offset, {
      name: m.name, method: m.method, compressedSize: m.compressedSize, size: m.size, localOffset: 0,
    });
    bytes = member.subarray(dataOffset + start * rowBytes, dataOffset + (start + count) * rowBytes);
  } else {
    bytes = src.read(dataOffset + start * rowBytes, count * rowBytes);
  }
  const where = m ? `${info.path} [${m.name}]` : info.path;
  const vectors = npyRowsFromBytes(where, bytes, info.dtype, info.dim, start, count);
  const idsFile = opts.idsFile ?? info.idsFile;
  const ids = idsFile !== undefined ? readIdsFile(idsFile).slice(start, start + count) : null;
  return { ids: ids, vectors: vectors, metadata: {} };
};

export { inspectNpy, inspectNpz, readNpyRows };
