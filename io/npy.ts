// The .npy format (NEP 1): a magic string, a Python-literal header dict, then the raw array.
// Only what embeddings use is accepted: 2-D float32/float64, little-endian, C order.
import { InputError } from "./errors";

interface NpyHeader {
  dtype: "float32" | "float64";
  rows: number;
  cols: number;
  headerLength: number; // bytes before the data
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const isNpy = (head: Uint8Array): boolean => MAGIC.every((b, i) => head[i] === b);

// Enough bytes for any header numpy writes for a 2-D array (it pads to 64 bytes; v1 caps at 64 KiB).
const NPY_PREFIX = 1 << 16;

const parseNpyHeader = (file: string, bytes: Uint8Array): NpyHeader => {
  if (bytes.length < 10 || !isNpy(bytes)) throw new InputError(file, "not a .npy array (no \\x93NUMPY magic)");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let dictStart: number;
  let dictLength: number;
  if (major === 1) {
    dictLength = view.getUint16(8, true);
    dictStart = 10;
  } else if (major === 2 || major === 3) {
    dictLength = view.getUint32(8, true);
    dictStart = 12;
  } else {
    throw new InputError(file, `unsupported .npy format version ${major}`);
  }
  if (dictStart + dictLength > bytes.length) throw new InputError(file, ".npy header is truncated or too long");
  const dict = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(dictStart, dictStart + dictLength));
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(dict);
  if (!descr) throw new InputError(file, `.npy dtype is not a simple type (header ${dict.trim()}); structured arrays are not supported`);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(dict);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(dict);
  if (!fortran || !shapeMatch) throw new InputError(file, `malformed .npy header ${dict.trim()}`);
  const shape = shapeMatch[1].split(",").map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, "")));
  const d = descr[2];
  let dtype: "float32" | "float64";
  if (d === "<f4" || d === "=f4") dtype = "float32";
  else if (d === "<f8" || d === "=f8") dtype = "float64";
  else if (d === ">f4" || d === ">f8") throw new InputError(file, `.npy dtype ${d} is big-endian; save as little-endian float32/float64 (arr.astype('<f4'))`);
  else throw new InputError(file, `.npy dtype ${d} is not supported; expected float32 ('<f4') or float64 ('<f8')`);
  if (shape.length !== 2) {
    throw new InputError(file, `.npy array has shape (${shape.join(", ")}); expected a 2-D array (rows, dim)`);
  }
  const rows = shape[0];
  const cols = shape[1];
  if (fortran[1] === "True" && rows > 1 && cols > 1) {
    throw new InputError(file, ".npy array is in Fortran (column-major) order; save it with np.ascontiguousarray(arr)");
  }
  return { dtype: dtype, rows: rows, cols: cols, headerLength: dictStart + dictLength };
};

const itemSize = (dtype: "float32" | "float64"): number => (dtype === "float32" ? 4 : 8);

// Rows [start, start+count) from their raw bytes, with the non-finite check.
const npyRowsFromBytes = (
  file: string, bytes: Uint8Array, dtype: "float32" | "float64", cols: number, start: number, count: number,
): Float32Array | Float64Array => {
  const n = count * cols;
  const out = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * itemSize(dtype)));
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (v - v !== 0) {
      const row = start + Math.floor(i / cols);
      throw new InputError(file, `row ${row}, column ${i % cols}: non-finite value ${v}`);
    }
  }
  return out;
};

export { parseNpyHeader, npyRowsFromBytes, itemSize, isNpy, NPY_PREFIX };
export type { NpyHeader };
