// expandInputs: a file, a directory or a glob becomes a sorted, duplicate-free list of files;
// a spec that matches nothing is an error naming it.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { expandInputs, globToRegExp } from "../io/paths";
import { assertThrowsNaming, makeTempDir, removeDir } from "./io-helpers";

describe("io/paths: expandInputs", function () {
  let dir = "";
  const touch = (rel: string): string => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, "x");
    return p;
  };

  before(() => {
    dir = makeTempDir("paths");
    for (const f of ["b.parquet", "a.parquet", "c.npy", "d.npz", "notes.txt", "_SUCCESS", ".hidden.parquet", "part-10.parquet", "part-2.parquet"]) {
      touch(f);
    }
    touch("sub/e.parquet");
    touch("sub/deeper/f.parquet");
    touch("sub/deeper/g.npy");
  });
  after(() => removeDir(dir));

  const j = (...names: string[]): string[] => names.map((n) => path.join(dir, n));

  it("a ** glob through a symlink loop visits each real file once", function () {
    const root = makeTempDir("paths-loop");
    fs.mkdirSync(path.join(root, "sub"));
    fs.writeFileSync(path.join(root, "one.parquet"), "x");
    fs.writeFileSync(path.join(root, "sub", "two.parquet"), "x");
    fs.symlinkSync(root, path.join(root, "sub", "back"));
    fs.symlinkSync(path.join(root, "one.parquet"), path.join(root, "alias.parquet"));
    const files = expandInputs(path.join(root, "**", "*.parquet"));
    removeDir(root);
    assert.deepEqual(files.map((f) => path.relative(root, f)), ["alias.parquet", "sub/two.parquet"]);
  });

  it("a file is itself", function () {
    assert.deepEqual(expandInputs(path.join(dir, "c.npy")), j("c.npy"));
  });

  it("a directory: its .parquet/.npy/.npz files, sorted, without hidden, _ or other files, not recursive", function () {
    assert.deepEqual(expandInputs(dir), j("a.parquet", "b.parquet", "c.npy", "d.npz", "part-10.parquet", "part-2.parquet"));
  });

  it("* and ? stay within a directory", function () {
    assert.deepEqual(expandInputs(path.join(dir, "*.parquet")), j("a.parquet", "b.parquet", "part-10.parquet", "part-2.parquet"));
    assert.deepEqual(expandInputs(path.join(dir, "part-?.parquet")), j("part-2.parquet"));
    assert.deepEqual(expandInputs(path.join(dir, "*/*.parquet")), j("sub/e.parquet"));
  });

  it("** crosses directories, including none", function () {
    assert.deepEqual(expandInputs(path.join(dir, "sub/**/*.parquet")), j("sub/deeper/f.parquet", "sub/e.parquet"));
    assert.deepEqual(expandInputs(path.join(dir, "**/*.npy")), j("c.npy", "sub/deeper/g.npy"));
  });

  it("relative patterns give relative paths", function () {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(expandInputs("sub/*.parquet"), [path.join("sub", "e.parquet")]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("nothing matching is an error that names the pattern", function () {
    const pattern = path.join(dir, "*.csv");
    assertThrowsNaming(() => expandInputs(pattern), [pattern, "no files match"]);
    const missing = path.join(dir, "missing.parquet");
    assertThrowsNaming(() => expandInputs(missing), [missing, "no such file"]);
    const empty = path.join(dir, "sub", "deeper", "nothing");
    fs.mkdirSync(empty);
    assertThrowsNaming(() => expandInputs(empty), [empty, "no .parquet, .npy or .npz"]);
  });

  it("glob syntax: regex characters in names are literal, [..] is a class", function () {
    assert.ok(globToRegExp("/d/x.parquet").test("/d/x.parquet"));
    assert.ok(!globToRegExp("/d/x.parquet").test("/d/xyparquet"));
    assert.ok(globToRegExp("/d/part-[0-9].npy").test("/d/part-7.npy"));
    assert.ok(!globToRegExp("/d/part-[!0-9].npy").test("/d/part-7.npy"));
    assert.ok(globToRegExp("gs-bucket/a/**").test("gs-bucket/a/b/c.parquet"));
    assert.ok(!globToRegExp("/d/*.npy").test("/d/sub/x.npy"));
  });
});
