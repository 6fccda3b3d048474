// The run directory's score parts are published from the manifest of parts the runner kept: a retried bundle's
// first attempt (its files are in the pending directory too) adds no rows, and a lost or doubled shard is an error.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { commitScoreParts, pendingPartName, writePartsManifest } from "../run-dir/files";
import { writeScorePart } from "../run-dir/score-part";
import { RUN_FILES, PartRecord } from "../run-dir/layout";
import { makeTempDir, removeDir, openDuckDb, queryRows, sqlString } from "./io-helpers";

const MODES = ["+1", "-1"];

/** A part of `rows` rows starting at global row `start`, scores = row number (so rows can be traced). */
const writePart = (dir: string, file: string, start: number, rows: number, shard: number | null): PartRecord => {
  const scores = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    scores[2 * i] = start + i;
    scores[2 * i + 1] = -(start + i);
  }
  writeScorePart(dir, file, { rows: rows, ids: Array.from({ length: rows }, (_, i) => `s${start + i}`),
    rowIndex: (i) => start + i, metadata: {} }, [], MODES, scores);
  return { file: file, shard: shard, rows: rows, score_seconds: 0.5, write_seconds: 0.25 };
};

describe("run-dir: committing score parts", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir("rundir");
  });
  afterEach(() => removeDir(dir));

  it("publishes exactly the listed parts, named by shard, and drops a failed attempt's leftovers", async () => {
    const kept0 = writePart(dir, pendingPartName("bbbb", 0), 0, 3, 0);
    const kept1 = writePart(dir, pendingPartName("aaaa", 0), 3, 2, 1);
    writePart(dir, pendingPartName("dead", 0), 0, 3, 0); // the first attempt of shard 0, killed before its output was kept
    writePartsManifest(dir, [kept1, kept0]);
    const c = commitScoreParts(dir, 2);
    assert.deepEqual(c.files, ["part-00000-of-00002.parquet", "part-00001-of-00002.parquet"]);
    assert.deepEqual(fs.readdirSync(path.join(dir, RUN_FILES.scoresDir)).sort(), c.files);
    assert.ok(!fs.existsSync(path.join(dir, RUN_FILES.pendingDir)), "pending directory removed");
    assert.ok(!fs.existsSync(path.join(dir, RUN_FILES.partsManifest)), "manifest removed");
    assert.deepEqual(c.timing, { rows: 5, score_seconds: 1, write_seconds: 0.5 });
    const db = await openDuckDb();
    const rows = await queryRows(db, `SELECT row, id FROM read_parquet(${sqlString(path.join(dir, "scores", "*.parquet"))}) ORDER BY row`);
    assert.deepEqual(rows.map((r) => Number(r[0])), [0, 1, 2, 3, 4], "every row once");
  });

  it("by_id: numbers the parts in file-name order", () => {
    writePartsManifest(dir, [writePart(dir, pendingPartName("b", 0), 0, 2, null), writePart(dir, pendingPartName("a", 0), 2, 2, null)]);
    const c = commitScoreParts(dir);
    assert.deepEqual(c.files, ["part-00000-of-00002.parquet", "part-00001-of-00002.parquet"]);
  });

  it("refuses a shard scored twice, a shard missing, a listed file that is absent, and no manifest", () => {
    const a = writePart(dir, pendingPartName("a", 0), 0, 2, 0);
    const b = writePart(dir, pendingPartName("b", 0), 0, 2, 0);
    writePartsManifest(dir, [a, b]);
    assert.throws(() => commitScoreParts(dir, 2), /shard 0 was scored twice/);
    writePartsManifest(dir, [a]);
    assert.throws(() => commitScoreParts(dir, 2), /wrote 1 part file\(s\), expected 2/);
    writePartsManifest(dir, [a, { ...b, file: "ghost.parquet", shard: 1 }]);
    assert.throws(() => commitScoreParts(dir, 2), /ghost\.parquet is listed as written but is not in scores-pending/);
    fs.rmSync(path.join(dir, RUN_FILES.partsManifest));
    assert.throws(() => commitScoreParts(dir, 2), /wrote no parts manifest/);
  });
});
