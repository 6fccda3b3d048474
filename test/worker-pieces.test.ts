// shardPieces: a shard cut at X file boundaries and at most maxRows rows, X and Y slices trimmed to the same rows.
import assert from "node:assert/strict";
import { shardPieces, trimSlices } from "../worker/row-set";
import type { ShardDesc, Slice } from "../shards/shard";

/** The (path, row) of every row a slice list covers, in order. */
const rowsOf = (slices: Slice[]): string[] => slices.flatMap((s) => Array.from({ length: s.count }, (_, i) => `${s.path}:${s.start + i}`));

describe("worker: shard pieces", () => {
  it("trimSlices takes rows [offset, offset + count) across files", () => {
    const sl: Slice[] = [{ path: "a", start: 5, count: 3 }, { path: "b", start: 0, count: 4 }];
    assert.deepEqual(rowsOf(trimSlices(sl, 2, 3)), ["a:7", "b:0", "b:1"]);
    assert.deepEqual(rowsOf(trimSlices(sl, 3, 4)), ["b:0", "b:1", "b:2", "b:3"]);
    assert.deepEqual(trimSlices(sl, 7, 0), []);
  });

  for (const maxRows of [1, 3, 4, 100]) {
    it(`covers every row once, X and Y aligned, pieces within one X file and <= ${maxRows} rows`, () => {
      const shard: ShardDesc = { index: 2, total: 5, globalStart: 1000, rows: 11,
        x: [{ path: "x1", start: 7, count: 4 }, { path: "x2", start: 0, count: 7 }],
        y: [{ path: "y1", start: 3, count: 6 }, { path: "y2", start: 0, count: 5 }] };
      const pieces = shardPieces(shard, maxRows);
      assert.deepEqual(pieces.flatMap((p) => rowsOf(p.x)), rowsOf(shard.x));
      assert.deepEqual(pieces.flatMap((p) => rowsOf(p.y ?? [])), rowsOf(shard.y ?? []));
      let g = shard.globalStart;
      for (const p of pieces) {
        assert.equal(p.globalStart, g);
        assert.equal(p.index, 2);
        assert.equal(p.total, 5);
        assert.ok(p.rows >= 1 && p.rows <= maxRows, `piece of ${p.rows} rows`);
        assert.equal(p.x.length, 1, "a piece stays within one X file");
        assert.equal(rowsOf(p.x).length, p.rows);
        assert.equal(rowsOf(p.y ?? []).length, p.rows);
        g += p.rows;
      }
      assert.equal(g, shard.globalStart + shard.rows);
      if (maxRows >= 7) assert.equal(pieces.length, 2, "one piece per X file when files are small enough");
    });
  }

  it("keeps y = null (Y is a column of the X files)", () => {
    const pieces = shardPieces({ index: 0, total: 1, globalStart: 0, rows: 5, x: [{ path: "x", start: 0, count: 5 }], y: null }, 2);
    assert.deepEqual(pieces.map((p) => p.rows), [2, 2, 1]);
    assert.ok(pieces.every((p) => p.y === null));
  });
});
