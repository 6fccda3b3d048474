// Walks the pages of one column chunk: header, then the (decompressed) payload. Bytes are
// fetched lazily in windows, so reading the first row for `inspect` does not pull a whole
// row group, while a full read is a single ranged read. DuckDB writes one page of up to
// ~100 MB per list column chunk, hence `prefix`: the levels at the start of a page without
// decompressing the rest.
import type { ByteSource } from "./bytes";
import { decompress, snappyDecompress } from "./compression";
import type { Codec } from "./compression";
import { parquetHeader } from "./hyparquet";
import type { ColumnMetaData, PageHeader } from "./hyparquet";

interface Page {
  header: PageHeader;
  // Data page v1 and dictionary pages: the page decompressed. Data page v2: the levels
  // (never compressed) followed by the decompressed values.
  data: Uint8Array;
}

interface PageRef {
  header: PageHeader;
  bodyPos: number;
}

const chunkRange = (meta: ColumnMetaData): { start: number; length: number } => {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start: start, length: Number(meta.total_compressed_size) };
};

class PageCursor {
  private buf: Uint8Array = new Uint8Array(0);
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
      const b = this.src.read(pos, want);
      this.buf = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      this.bufStart = pos;
    }
    return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + length);
  }

  // The next page header; the cursor moves past the page body.
  nextHeader(): PageRef | undefined {
    if (this.pos >= this.end) return undefined;
    // Headers are small unless they carry long string statistics: grow until one parses.
    let headerBytes = Math.min(this.end - this.pos, 4096);
    for (;;) {
      const bytes = this.ensure(this.pos, headerBytes);
      const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
      try {
        const header = parquetHeader(reader);
        const ref = { header: header, bodyPos: this.pos + reader.offset };
        this.pos = ref.bodyPos + header.compressed_page_size;
        if (this.pos > this.end) throw new Error(`page at byte ${ref.bodyPos} runs past the end of its column chunk`);
        return ref;
      } catch (e) {
        if (headerBytes >= this.end - this.pos) throw new Error(`unreadable page header at byte ${this.pos}: ${(e as Error).message}`);
      }
      headerBytes = Math.min(this.end - this.pos, headerBytes * 4);
    }
  }

  body(ref: PageRef): Page {
    const header = ref.header;
    const body = this.ensure(ref.bodyPos, header.compressed_page_size);
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

  // At least the first `want` bytes of the decompressed page (v1 layout), or all of it.
  prefix(ref: PageRef, want: number): Uint8Array {
    const header = ref.header;
    const codec = this.meta.codec as Codec;
    const isV2 = header.type === "DATA_PAGE_V2";
    if (codec === "UNCOMPRESSED" || isV2) {
      return this.ensure(ref.bodyPos, Math.min(header.compressed_page_size, want));
    }
    if (codec !== "SNAPPY") return this.body(ref).data;
    // Snappy never expands input by more than ~1/6 on literals; grow on a short prefix.
    let take = Math.min(header.compressed_page_size, Math.ceil(want * 1.2) + 64);
    for (;;) {
      const out = snappyDecompress(this.ensure(ref.bodyPos, take), header.uncompressed_page_size, want);
      if (out.length >= want || take >= header.compressed_page_size) return out;
      take = Math.min(header.compressed_page_size, take * 2);
    }
  }

  next(): Page | undefined {
    const ref = this.nextHeader();
    return ref ? this.body(ref) : undefined;
  }
}

export { PageCursor, chunkRange };
export type { Page, PageRef };
