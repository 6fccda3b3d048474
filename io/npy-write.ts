// Writers for .npy and (stored, uncompressed) .npz, for tests and the synthetic-data generator.
import * as fs from "fs";
import * as zlib from "zlib";

const npyBytes = (data: Float32Array | Float64Array, rows: number, cols: number): Buffer => {
  if (data.length !== rows * cols) throw new Error(`writeNpy: ${data.length} values for shape (${rows}, ${cols})`);
  const descr = data instanceof Float32Array ? "<f4" : "<f8";
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Format 1.0: magic(6) version(2) length(2) dict, padded with spaces and '\n' to 64 bytes.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, " ") + "\n";
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
};

const writeNpy = (path: string, data: Float32Array | Float64Array, rows: number, cols: number): void => {
  fs.writeFileSync(path, npyBytes(data, rows, cols));
};

interface NpzArray {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

// A zip of members `<key>.npy`, stored (np.savez) or deflated (np.savez_compressed with
// `deflate`); no zip64, so for archives under 4 GiB.
const writeNpz = (path: string, arrays: Record<string, NpzArray>, opts: { deflate?: boolean } = {}): void => {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const keys = Object.keys(arrays);
  for (const key of keys) {
    const a = arrays[key];
    const raw = npyBytes(a.data, a.rows, a.cols);
    const body = opts.deflate ? zlib.deflateRawSync(raw) : raw;
    const method = opts.deflate ? 8 : 0;
    const name = Buffer.from(`${key}.npy`, "utf8");
    const crc = zlib.crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(raw.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(keys.length, 8);
  end.writeUInt16LE(keys.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(path, Buffer.concat([...parts, cdBytes, end]));
};

export { writeNpy, writeNpz, npyBytes };
export type { NpzArray };
