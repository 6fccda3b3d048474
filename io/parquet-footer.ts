// The Parquet footer (FileMetaData) of an input, and what it says about the columns we read.
// Parsing is hyparquet's; this module adds input validation with file-naming errors and a small
// per-process cache, since a worker reads many chunks of the same file.
import { InputError } from "./errors";
import type { ByteSource } from "./bytes";
import { parquetMetadata, parquetSchema } from "./hyparquet";
import type { FileMetaData, SchemaTree } from "./hyparquet";

const MAGIC = 0x31524150; // "PAR1" little-endian
const TAIL_GUESS = 1 << 16;
const CACHE_LIMIT = 32;

const footerCache = new Map<string, FileMetaData>();

const readFooter = (src: ByteSource): FileMetaData => {
  const key = `${src.path}\u0000${src.version}`;
  const cached = footerCache.get(key);
  if (cached) return cached;
  if (src.size === 0) throw new InputError(src.path, "empty file (0 bytes), not a Parquet file");
  if (src.size < 12) throw new InputError(src.path, `not a Parquet file (only ${src.size} bytes)`);
  const head = src.read(0, 4);
  const tailLength = Math.min(src.size, TAIL_GUESS);
  let tail = src.read(src.size - tailLength, tailLength);
  if (head.readUInt32LE(0) !== MAGIC || tail.readUInt32LE(tail.length - 4) !== MAGIC) {
    throw new InputError(src.path, "not a Parquet file (no PAR1 magic bytes at start and end)");
  }
  const metaLength = tail.readUInt32LE(tail.length - 8);
  if (metaLength + 12 > src.size) {
    throw new InputError(src.path, `corrupt Parquet footer (declares ${metaLength} bytes of metadata in a ${src.size}-byte file)`);
  }
  if (metaLength + 8 > tail.length) tail = src.read(src.size - metaLength - 8, metaLength + 8);
  let meta: FileMetaData;
  try {
    const footer = tail.subarray(tail.length - metaLength - 8);
    meta = parquetMetadata(new Uint8Array(footer.buffer, footer.byteOffset, footer.length), { geoparquet: false });
  } catch (e) {
    throw new InputError(src.path, `corrupt Parquet footer: ${(e as Error).message}`);
  }
  for (const rg of meta.row_groups) {
    for (const cc of rg.columns) {
      if (cc.file_path) throw new InputError(src.path, `column chunks in external files (${cc.file_path}) are not supported`);
      if (!cc.meta_data) throw new InputError(src.path, "column chunk without metadata (encrypted file?) is not supported");
    }
  }
  if (footerCache.size >= CACHE_LIMIT) footerCache.delete(footerCache.keys().next().value as string);
  footerCache.set(key, meta);
  return meta;
};

const topLevelColumns = (meta: FileMetaData): string[] => parquetSchema(meta).children.map((c) => c.element.name);

// A list<float|double> column in any of the layouts writers use: the standard 3-level LIST
// (pyarrow, DuckDB, Spark; fixed_size_list is written the same way), the legacy 2-level form
// (`repeated float array` inside the group) and a bare `repeated float v`.
interface VectorColumn {
  name: string;
  leafPath: string[];
  schemaPath: SchemaTree[];
  physical: "FLOAT" | "DOUBLE";
  maxDef: number;
  // Definition level at which the list itself is non-null (lower: the vector is null) and
  // at which it has at least one element (lower but >= listDef: empty list).
  listDef: number;
  elemDef: number;
}

interface FlatColumn {
  name: string;
  leafPath: string[];
  schemaPath: SchemaTree[];
  physical: string;
}

const findTop = (meta: FileMetaData, file: string, name: string, role: string): SchemaTree => {
  const root = parquetSchema(meta);
  const node = root.children.find((c) => c.element.name === name);
  if (!node) {
    const names = root.children.map((c) => c.element.name).join(", ");
    throw new InputError(file, `${role} column '${name}' not found (columns: ${names})`);
  }
  return node;
};

const leafOf = (node: SchemaTree, file: string, name: string, role: string): SchemaTree[] => {
  const path = [node];
  let cur = node;
  while (cur.children.length) {
    if (cur.children.length !== 1) {
      throw new InputError(file, `${role} column '${name}' is a struct or map with ${cur.children.length} fields, not a list of numbers`);
    }
    cur = cur.children[0];
    path.push(cur);
  }
  return path;
};

const vectorColumn = (meta: FileMetaData, file: string, name: string): VectorColumn => {
  const path = leafOf(findTop(meta, file, name, "vector"), file, name, "vector");
  const leaf = path[path.length - 1].element;
  let def = 0;
  let repeated = 0;
  let listDef = -1;
  for (const node of path) {
    const rt = node.element.repetition_type;
    if (rt === "REPEATED") {
      repeated++;
      listDef = def;
    }
    if (rt === "OPTIONAL" || rt === "REPEATED") def++;
  }
  const typeName = leaf.type ?? "group";
  if (repeated === 0) {
    throw new InputError(file, `vector column '${name}' has type ${typeName}, not a list (expected list<float>, list<double> or fixed_size_list)`);
  }
  if (repeated > 1) throw new InputError(file, `vector column '${name}' is a nested list (list of lists); expected list<float|double>`);
  if (leaf.type !== "FLOAT" && leaf.type !== "DOUBLE") {
    throw new InputError(file, `vector column '${name}' is a list of ${typeName}; expected list<float> or list<double>`);
  }
  return {
    name: name,
    leafPath: path.map((n) => n.element.name),
    schemaPath: [parquetSchema(meta), ...path],
    physical: leaf.type,
    maxDef: def,
    listDef: listDef,
    elemDef: listDef + 1,
  };
};

const flatColumn = (meta: FileMetaData, file: string, name: string, role: string): FlatColumn => {
  const path = leafOf(findTop(meta, file, name, role), file, name, role);
  const leaf = path[path.length - 1].element;
  if (path.length !== 1 || path.some((n) => n.element.repetition_type === "REPEATED")) {
    throw new InputError(file, `${role} column '${name}' is nested (list or struct); only flat columns are supported`);
  }
  return { name: name, leafPath: [name], schemaPath: [parquetSchema(meta), ...path], physical: leaf.type ?? "group" };
};

// Vector columns when the user named none: every top-level list of float/double.
const listColumns = (meta: FileMetaData, file: string): string[] =>
  topLevelColumns(meta).filter((name) => {
    try {
      vectorColumn(meta, file, name);
      return true;
    } catch {
      return false;
    }
  });

export { readFooter, topLevelColumns, vectorColumn, flatColumn, listColumns };
export type { VectorColumn, FlatColumn };
