// Every large-value PCollection of the compare graph, encoded and decoded with the coder the graph declares for
// it (the direct runner never encodes ParDo/GBK values, so this is where a coder mistake would otherwise hide), and
// the decoded bytes used the way the next stage uses them (Node Buffers at odd offsets included).
import { strict as assert } from "node:assert";
import { Reader, Writer } from "protobufjs";
import { Context } from "apache-beam/coders/coders";
import type { KV } from "apache-beam/values";
import * as support from "../beam-runtime/coders";
import { GramAccumulator } from "../method/gram";
import { bytesToF64, f64ToBytes, sumBytes } from "../worker/bytes";
import { IdBuckets, checkIdBucket } from "../worker/ids";
import { pairRows, decodePaired } from "../worker/keyed-rows";
import { assembleV } from "../worker/solve-stage";
import { getBackend } from "../linalg/index";

const roundTrip = <T>(coder: { encode: (v: T, w: Writer, c: Context) => void; decode: (r: Reader, c: Context) => T }, v: T): T => {
  const w = new Writer();
  coder.encode(v, w, Context.wholeStream);
  const bytes = w.finish();
  // decode from an odd offset of a larger buffer, as a gRPC data plane hands it over
  const padded = Buffer.alloc(bytes.length + 3);
  Buffer.from(bytes).copy(padded, 3);
  return coder.decode(new Reader(padded.subarray(3)), Context.wholeStream);
};

const kvBytes = (v: KV<string, Uint8Array>): KV<string, Uint8Array> => roundTrip(support.kvBytesCoder(), v);

describe("coders of the large-value PCollections (KV<string, bytes>, KV<string, string>)", () => {
  it("Gram tiles (<= 2 MB each) and the meta vector survive the bytes coder and sum exactly", () => {
    const M = 700;
    const acc = new GramAccumulator(M);
    const rows = 50;
    const phi = Float64Array.from({ length: rows * M }, (_, i) => Math.sin(i * 0.37));
    acc.addBlock(getBackend("portable"), phi, rows);
    const tiles = acc.toTiles(512);
    for (const t of tiles) {
      const bytes = f64ToBytes(t.data);
      assert.ok(bytes.byteLength <= 2 * 1024 * 1024);
      const back = kvBytes({ key: `t:${t.bi}:${t.bj}`, value: bytes });
      assert.equal(back.key, `t:${t.bi}:${t.bj}`);
      assert.deepEqual(bytesToF64(back.value), t.data);
      // the combine adds decoded partials: two copies sum to exactly twice the tile
      const sum = sumBytes.extractOutput(sumBytes.mergeAccumulators([
        sumBytes.addInput(sumBytes.createAccumulator(), back.value),
        sumBytes.addInput(sumBytes.createAccumulator(), kvBytes({ key: "k", value: bytes }).value)]));
      assert.deepEqual(bytesToF64(sum), t.data.map((v) => 2 * v));
    }
  });

  it("eigenvector side-input chunks (1 MB) reassemble into V bit for bit", () => {
    const M = 300;
    const kp = 4;
    const kn = 3;
    const V = Float64Array.from({ length: M * (kp + kn) }, (_, i) => Math.cos(i));
    const perChunk = 1000;
    const chunks: KV<string, Uint8Array>[] = [];
    for (let c = 0, off = 0; off < V.length; c++, off += perChunk) {
      chunks.push({ key: `v:${c}`, value: f64ToBytes(V.slice(off, Math.min(V.length, off + perChunk))) });
    }
    chunks.push({ key: "k", value: f64ToBytes(Float64Array.of(kp, kn, M)) });
    const back = assembleV(chunks.reverse().map(kvBytes));
    assert.equal(back.kp, kp);
    assert.equal(back.kn, kn);
    assert.equal(back.M, M);
    assert.deepEqual(back.V, V);
  });

  it("id buckets keep every (id, row) and the duplicate check still finds a duplicate after coding", () => {
    const b = new IdBuckets(3);
    b.add(["a", "b", "c", "dup"], 0);
    b.add(["d", "dup"], 10);
    const out = b.drain().map((e) => kvBytes(e));
    const total = out.reduce((s, e) => s + Buffer.from(e.value).toString("utf8").split("\n").length, 0);
    assert.equal(total, 6);
    const dupBucket = out.filter((e) => Buffer.from(e.value).toString("utf8").includes("dup"));
    assert.throws(() => checkIdBucket(dupBucket.map((e) => e.value), "input"), /duplicate id 'dup' at global rows 3 and 11/);
  });

  it("by_id keyed rows and joined rows decode to the same vectors and metadata", () => {
    const x = Float64Array.from([1.5, -2, 3.25]);
    const y = Float64Array.from([0.5, 7]);
    const enc = (side: number, row: number, vec: Float64Array, meta: string): Uint8Array => {
      const metaBytes = Buffer.from(meta, "utf8");
      const f = new Float64Array(4 + vec.length);
      f.set([side, row, vec.length, metaBytes.length]);
      f.set(vec, 4);
      const out = new Uint8Array(f.byteLength + metaBytes.length);
      out.set(new Uint8Array(f.buffer));
      out.set(metaBytes, f.byteLength);
      return out;
    };
    const xs = kvBytes({ key: "id-7", value: enc(0, 7, x, JSON.stringify({ label: "cat" })) });
    const ys = kvBytes({ key: "id-7", value: enc(1, 2, y, "") });
    const joined = kvBytes({ key: "id-7", value: pairRows("id-7", [xs.value, ys.value], "x.parquet", "y.parquet") });
    const p = decodePaired(joined.value, joined.key);
    assert.equal(p.row, 7);
    assert.deepEqual(Array.from(p.x), Array.from(x));
    assert.deepEqual(Array.from(p.y), Array.from(y));
    assert.deepEqual(p.metadata, { label: "cat" });
  });

  it("top-N candidate lists survive the string coder", () => {
    const json = JSON.stringify([{ id: "é-1", row: 3, score: 0.25, metadata: { caption: "ünïcode ✓" } }]);
    const back = roundTrip(support.kvStringCoder(), { key: "+1", value: json });
    assert.deepEqual(back, { key: "+1", value: json });
  });
});
