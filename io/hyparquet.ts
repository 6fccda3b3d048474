// hyparquet ships only as an ES module; this CommonJS build reaches it through require(esm)
// (Node >= 20.19), typed via `typeof import(...)` so no ESM import statement is emitted.
// Only its synchronous building blocks are used: footer/metadata parsing, page headers,
// decompression and flat-column decoding. Its async row API is not usable inside DoFns.
// Local aliases rather than `import type` + `export type { ... }`: ts-closure-transform turns a
// re-export of imported types into a runtime require of the (nonexistent) type module.
type ColumnMetaData = import("hyparquet", { with: { "resolution-mode": "import" } }).ColumnMetaData;
type CompressionCodec = import("hyparquet", { with: { "resolution-mode": "import" } }).CompressionCodec;
type Compressors = import("hyparquet", { with: { "resolution-mode": "import" } }).Compressors;
type DecodedArray = import("hyparquet", { with: { "resolution-mode": "import" } }).DecodedArray;
type FileMetaData = import("hyparquet", { with: { "resolution-mode": "import" } }).FileMetaData;
type PageHeader = import("hyparquet", { with: { "resolution-mode": "import" } }).PageHeader;
type SchemaElement = import("hyparquet", { with: { "resolution-mode": "import" } }).SchemaElement;
type SchemaTree = import("hyparquet", { with: { "resolution-mode": "import" } }).SchemaTree;
type ColumnDecoder = import("hyparquet/src/types.js", { with: { "resolution-mode": "import" } }).ColumnDecoder;

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
