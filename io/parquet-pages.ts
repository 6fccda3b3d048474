// Walks the pages of one column chunk: header, then the (decompressed) payload. Bytes are
// fetched lazily in windows, so reading the first row for `inspect` does not pull a whole
// row group, while a full read is a single ranged read.
import type { ByteSource } from "./bytes";
import { decompress } from "./compression";
import type { Codec } from "./compression";
import { parquetHeader } from "./hyparquet";
import type { ColumnMetaData, PageHeader } from "./hyparquet";

interface Page {
  header: PageHeader;
  // Data page v1 and dictionary pages: the whole page, decompressed. Data page v2: the
  // levels (never compressed) followed by the decompressed values.
  data: Uint8Array;
}

const chunkRange = (meta: ColumnMetaData): { start: number; length: number } => {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start: start, length: Number(meta.total_compressed_size) };
};

class PageCursor {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly src: ByteSource,
    private readonly meta: ColumnMetaData,
    private readonly window: number,
  ) {
    const r = chunkRange(meta);
    this.pos = r.start;
    this.end = r.start + r.length;
  }

  private ensure(pos: number, length: number): Uint8Array {
    const have = this.bufStart + this.buf.length;
    if (pos < this.bufStart || pos + length > have) {
      const want = Math.min(this.end - pos, Math.max(length, this.window));
      if (want < length) throw new Error(`page at byte ${pos} runs past the end of its column chunk`);
      this.buf = this.src.read(pos, want);
      this.bufStart = pos;
    }
    return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + length);
  }

  next(): Page | undefined {
    if (this.pos >= this.end) return undefined;
    // Page headers are small unless they carry large string statistics; grow until it parses.
    let headerBytes = Math.min(this.end - this.pos, 4096);
    let header: PageHeader;
    let headerLength: number;
    for (;;) {
      const bytes = this.ensure(this.pos, headerBytes);
      const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
      try {
        header = parquetHeader(reader);
        headerLength = reader.offset;
        if (headerLength <= bytes.byteLength) break;
      } catch (e) {
        if (headerBytes >= this.end - this.pos) throw new Error(`unreadable page header at byte ${this.pos}: ${(e as Error).message}`);
      }
      headerBytes = Math.min(this.end - this.pos, headerBytes * 4);
    }
    const body = this.ensure(this.pos + headerLength, header.compressed_page_size);
    this.pos += headerLength + header.compressed_page_size;
    const codec = this.meta.codec as Codec;
    const v2 = header.data_page_header_v2;
    if (header.type === "DATA_PAGE_V2" && v2) {
      const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
      if (v2.is_compressed === false || codec === "UNCOMPRESSED") return { header: header, data: body };
      const values = decompress(codec, body.subarray(levels), header.uncompressed_page_size - levels);
      const data = new Uint8Array(levels + values.length);
      data.set(body.subarray(0, levels), 0);
      data.set(values, levels);
      return { header: header, data: data };
    }
    return { header: header, data: decompress(codec, body, header.uncompressed_page_size) };
  }
}

export { PageCursor, chunkRange };
export type { Page };
