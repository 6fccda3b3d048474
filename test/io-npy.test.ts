// .npy / .npz inputs: what io/npy-write.ts writes reads back exactly (by byte range, in
// chunks, from stored and deflated npz members), ids come from an ids file, and malformed
// arrays fail with an error that names the file and the row/column or the reason.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { npyBytes, writeNpy, writeNpz } from "../io/npy-write";
import { inspectSource, readIdsFile, readRows } from "../io/source";
import { assertThrowsNaming, makeTempDir, removeDir } from "./io-helpers";

const ramp = (rows: number, cols: number, make: (n: number) => Float32Array | Float64Array): Float32Array | Float64Array => {
  const a = make(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) * 100 + i / 7;
  return a;
};

// A .npy file with a hand-written header, for dtypes and layouts our writer never produces.
const rawNpy = (dict: string, body: Uint8Array): Buffer => {
  const padded = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, " ") + "\n";
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, "latin1"), body]);
};

describe("io/source: .npy and .npz inputs", function () {
  let dir = "";
  before(() => {
    dir = makeTempDir("npy");
  });
  after(() => removeDir(dir));

  it("float32 .npy: shape, dtype and every value, read in chunks by byte range", function () {
    const f = path.join(dir, "x.npy");
    const data = ramp(1000, 12, (n) => new Float32Array(n));
    writeNpy(f, data, 1000, 12);
    const info = inspectSource(f, { chunkRows: 300 });
    assert.equal(info.format, "npy");
    assert.equal(info.rows, 1000);
    assert.equal(info.dim, 12);
    assert.equal(info.dtype, "float32");
    assert.deepEqual(info.chunks, [
      { start: 0, count: 300 },
      { start: 300, count: 300 },
      { start: 600, count: 300 },
      { start: 900, count: 100 },
    ]);
    for (const c of info.chunks) {
      const block = readRows(info, c.start, c.count);
      assert.ok(block.vectors instanceof Float32Array);
      assert.deepEqual(block.vectors, data.subarray(c.start * 12, (c.start + c.count) * 12));
      assert.equal(block.ids, null);
    }
  });

  it("float64 .npy keeps float64", function () {
    const f = path.join(dir, "x64.npy");
    const data = ramp(50, 3, (n) => new Float64Array(n));
    writeNpy(f, data, 50, 3);
    const info = inspectSource(f);
    assert.equal(info.dtype, "float64");
    assert.deepEqual(readRows(info, 10, 20).vectors, data.subarray(30, 90));
  });

  it("default chunks hold about 64 MiB of vectors", function () {
    const f = path.join(dir, "wide.npy");
    writeNpy(f, new Float32Array(4 * 8192), 4, 8192);
    const info = inspectSource(f);
    assert.deepEqual(info.chunks, [{ start: 0, count: 4 }]);
  });

  it("an ids file gives string ids; its length must match the rows", function () {
    const f = path.join(dir, "withids.npy");
    writeNpy(f, ramp(5, 2, (n) => new Float32Array(n)), 5, 2);
    const ids = path.join(dir, "ids.txt");
    fs.writeFileSync(ids, "a\r\nb\nc\nd\ne\n");
    assert.deepEqual(readIdsFile(ids), ["a", "b", "c", "d", "e"]);
    const info = inspectSource(f, { idsFile: ids });
    assert.equal(info.idType, "string");
    assert.deepEqual(readRows(info, 1, 3).ids, ["b", "c", "d"]);
    const short = path.join(dir, "short.txt");
    fs.writeFileSync(short, "a\nb\n");
    assertThrowsNaming(() => inspectSource(f, { idsFile: short }), [f, "5 rows", short, "2 ids"]);
    const blank = path.join(dir, "blank.txt");
    fs.writeFileSync(blank, "a\n\nc\n");
    assertThrowsNaming(() => readIdsFile(blank), [blank, "line 2"]);
  });

  it("stored .npz with several arrays: chosen by key, read by byte range", function () {
    const f = path.join(dir, "emb.npz");
    const x = ramp(40, 6, (n) => new Float32Array(n));
    const y = ramp(40, 9, (n) => new Float64Array(n));
    writeNpz(f, { x: { data: x, rows: 40, cols: 6 }, y: { data: y, rows: 40, cols: 9 } });
    const ix = inspectSource(f, { npzKey: "x" });
    const iy = inspectSource(f, { npzKey: "y" });
    assert.equal(ix.format, "npz");
    assert.equal(ix.dim, 6);
    assert.equal(iy.dim, 9);
    assert.equal(iy.dtype, "float64");
    assert.deepEqual(readRows(ix, 7, 20).vectors, x.subarray(42, 162));
    assert.deepEqual(readRows(iy, 0, 40).vectors, y);
  });

  it("deflated .npz (np.savez_compressed) and the default key when there is one array", function () {
    const f = path.join(dir, "packed.npz");
    const x = ramp(300, 5, (n) => new Float32Array(n));
    writeNpz(f, { features: { data: x, rows: 300, cols: 5 } }, { deflate: true });
    const info = inspectSource(f, { chunkRows: 128 });
    assert.equal(info.npzKey, "features");
    assert.equal(info.chunks.length, 3);
    for (const c of info.chunks) {
      assert.deepEqual(readRows(info, c.start, c.count).vectors, x.subarray(c.start * 5, (c.start + c.count) * 5));
    }
  });

  it("npz: a missing key, or no key with several arrays, lists the keys", function () {
    const f = path.join(dir, "two.npz");
    const a = { data: new Float32Array(4), rows: 2, cols: 2 };
    writeNpz(f, { first: a, second: a });
    assertThrowsNaming(() => inspectSource(f, { npzKey: "third" }), [f, "'third'", "first, second"]);
    assertThrowsNaming(() => inspectSource(f), [f, "first, second"]);
  });

  it("non-finite values: the row and column", function () {
    const f = path.join(dir, "nan.npy");
    const data = ramp(100, 4, (n) => new Float32Array(n));
    data[57 * 4 + 3] = NaN;
    writeNpy(f, data, 100, 4);
    const info = inspectSource(f, { chunkRows: 50 });
    assert.equal(readRows(info, 0, 50).vectors.length, 200, "the chunk before the bad row is fine");
    assertThrowsNaming(() => readRows(info, 50, 50), [f, "row 57", "column 3", "NaN"]);
    const g = path.join(dir, "inf.npz");
    const d64 = ramp(10, 2, (n) => new Float64Array(n));
    d64[9 * 2] = -Infinity;
    writeNpz(g, { e: { data: d64, rows: 10, cols: 2 } }, { deflate: true });
    assertThrowsNaming(() => readRows(inspectSource(g), 0, 10), [g, "row 9", "column 0", "-Infinity"]);
  });

  it("unsupported dtypes, byte order, Fortran order and shapes are refused by name", function () {
    const body = new Uint8Array(4 * 6);
    const cases: [string, string, string[]][] = [
      ["int.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", ["<i4", "float32"]],
      ["half.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (4, 3), }", ["<f2"]],
      ["big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", ["big-endian"]],
      ["fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", ["Fortran"]],
      ["flat.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", ["shape (6)", "2-D"]],
      ["cube.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", ["shape (1, 2, 3)"]],
      ["struct.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", ["structured"]],
      ["short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", ["truncated", "3 x 3"]],
      ["zero.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", ["zero rows"]],
    ];
    for (const c of cases) {
      const f = path.join(dir, c[0]);
      fs.writeFileSync(f, rawNpy(c[1], body));
      assertThrowsNaming(() => inspectSource(f), [f, ...c[2]]);
    }
  });

  it("a hand-written header in numpy's format is read like ours", function () {
    const f = path.join(dir, "numpy-style.npy");
    const data = ramp(2, 3, (n) => new Float32Array(n));
    fs.writeFileSync(f, rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new Uint8Array(data.buffer)));
    assert.deepEqual(readRows(inspectSource(f), 0, 2).vectors, data);
    assert.deepEqual(npyBytes(data, 2, 3), fs.readFileSync(f), "our writer produces numpy's exact layout");
  });

  it("column options on a non-Parquet input, and garbage files", function () {
    const f = path.join(dir, "opt.npy");
    writeNpy(f, new Float32Array(4), 2, 2);
    assertThrowsNaming(() => inspectSource(f, { column: "v" }), [f, "Parquet"]);
    assertThrowsNaming(() => inspectSource(f, { metadataColumns: ["label"] }), [f, "label", "Parquet"]);
    const junk = path.join(dir, "junk.bin");
    fs.writeFileSync(junk, "hello world, not an array");
    assertThrowsNaming(() => inspectSource(junk), [junk, "not a Parquet, .npy or .npz file"]);
    const badZip = path.join(dir, "bad.npz");
    fs.writeFileSync(badZip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]));
    assertThrowsNaming(() => inspectSource(badZip), [badZip, "end-of-central-directory"]);
    const empty = path.join(dir, "empty.npy");
    fs.writeFileSync(empty, "");
    assertThrowsNaming(() => inspectSource(empty), [empty, "empty"]);
  });
});
