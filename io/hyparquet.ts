// hyparquet ships only as an ES module; this CommonJS build reaches it through require(esm)
// (Node >= 20.19), typed via `typeof import(...)` so no ESM import statement is emitted.
// Only its synchronous building blocks are used: footer/metadata parsing, page headers,
// decompression and flat-column decoding. Its async row API is not usable inside DoFns.
import type {
  ColumnDecoder, ColumnMetaData, CompressionCodec, Compressors, DecodedArray, FileMetaData, PageHeader, SchemaElement,
  SchemaTree,
} from "hyparquet" with { "resolution-mode": "import" };

const metadataModule = require("hyparquet/src/metadata.js") as typeof import("hyparquet/src/metadata.js", {
  with: { "resolution-mode": "import" },
});
const columnModule = require("hyparquet/src/column.js") as typeof import("hyparquet/src/column.js", {
  with: { "resolution-mode": "import" },
});
const schemaModule = require("hyparquet/src/schema.js") as typeof import("hyparquet/src/schema.js", {
  with: { "resolution-mode": "import" },
});
const convertModule = require("hyparquet/src/convert.js") as typeof import("hyparquet/src/convert.js", {
  with: { "resolution-mode": "import" },
});
const snappyModule = require("hyparquet/src/snappy.js") as typeof import("hyparquet/src/snappy.js", {
  with: { "resolution-mode": "import" },
});

const parquetMetadata = metadataModule.parquetMetadata;
const parquetSchema = metadataModule.parquetSchema;
const parquetHeader = columnModule.parquetHeader;
const readColumn = columnModule.readColumn;
const getTreePath = schemaModule.getTreePath;
const DEFAULT_PARSERS = convertModule.DEFAULT_PARSERS;
const snappyUncompress = snappyModule.snappyUncompress;

export {
  parquetMetadata, parquetSchema, parquetHeader, readColumn, getTreePath, DEFAULT_PARSERS, snappyUncompress,
};
export type {
  ColumnDecoder, ColumnMetaData, CompressionCodec, Compressors, DecodedArray, FileMetaData, PageHeader, SchemaElement,
  SchemaTree,
};
