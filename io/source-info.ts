// The plain-JSON description of one input file that `inspectSource` computes from headers
// only, and that readers (and Beam shard descriptors) carry around.
import type { Scalar } from "./parquet-flat";

interface SourceOptions {
  // Parquet: the list<float|double> column (default: the only such column).
  column?: string;
  // Parquet: the id column (string or integer); absent means ids are row numbers.
  idColumn?: string;
  // Parquet: flat columns carried into the outputs.
  metadataColumns?: string[];
  // Parquet: what a metadata column is for, named in the error when it is missing (default "metadata").
  metadataRoles?: Record<string, string>;
  // .npz: the array to read (default: the only one).
  npzKey?: string;
  // .npy/.npz: a text file with one id per line.
  idsFile?: string;
  // .npy/.npz: rows per chunk (default: about 64 MiB of vectors).
  chunkRows?: number;
}

interface Chunk {
  start: number;
  count: number;
}

interface SourceInfo {
  path: string;
  format: "parquet" | "npy" | "npz";
  rows: number;
  dim: number;
  dtype: "float32" | "float64";
  idType?: "string" | "int";
  // Row groups for Parquet; fixed row ranges for npy/npz.
  chunks: Chunk[];
  // Parquet: the top-level columns of the file.
  columns?: string[];
  // The selection the info was computed for; readRows uses it unless given other options.
  column?: string;
  idColumn?: string;
  metadataColumns?: string[];
  npzKey?: string;
  idsFile?: string;
  // npy (and stored npz members): absolute byte offset of row 0. Deflated npz members are
  // inflated whole, and dataOffset is then relative to the inflated member.
  dataOffset?: number;
  npzMember?: { name: string; method: number; offset: number; compressedSize: number; size: number };
}

interface RowBlock {
  ids: string[] | null;
  vectors: Float32Array | Float64Array;
  metadata: Record<string, Scalar[]>;
}

export type { SourceOptions, SourceInfo, Chunk, RowBlock, Scalar };
