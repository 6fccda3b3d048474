// What --out may be, as a hostile user would try it: every refusal exits 2 with one line naming the path and the
// reason, before any work (no "[plan]" line), and leaves whatever was there byte for byte as it was.
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "./io-helpers";
import { besides, runCli, snapshot, writeInputs, CliResult } from "./publish-fixtures";

const refusedBeforeWork = (r: CliResult, pattern: RegExp): void => {
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected:\n${r.stderr}`);
  assert.match(lines[0], /^spec-beam: error: --out /);
  assert.match(lines[0], pattern);
  assert.ok(!/\[plan\]/.test(r.stderr));
};

describe("publishing: what --out may be", function () {
  this.timeout(300000);
  let dir = "";
  let inputs: string[] = [];
  let data = "";
  before(() => {
    dir = makeTempDir("publish-guard");
    data = path.join(dir, "data");
    inputs = writeInputs(data);
  });
  after(() => removeDir(dir));

  it("refuses the current directory and leaves it as it was", () => {
    const cwd = path.join(dir, "work");
    fs.mkdirSync(cwd);
    fs.writeFileSync(path.join(cwd, "notes.txt"), "mine");
    const r = runCli(["compare", ...inputs, "--out", "."], { cwd: cwd });
    refusedBeforeWork(r, /current directory/);
    assert.deepEqual(fs.readdirSync(cwd), ["notes.txt"]);
    // a parent of the current directory contains it: refused the same way
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", ".."], { cwd: cwd }), /contains the current directory/);
  });

  it("refuses / and the home directory", () => {
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", "/"]), /filesystem root/);
    const home = path.join(dir, "home");
    fs.mkdirSync(home);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", home], { env: { HOME: home } }), /home directory/);
  });

  it("refuses an input, a directory containing one, a path inside one, and a link to one", () => {
    const before = snapshot(data);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", path.join(data, "x.npy")]), /it is the input .*x\.npy/);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", data]), /contains the input/);
    const dirInput = inputs.map((a) => (a.endsWith("x.npy") ? data : a));
    // an input directory (of .npy files) must not receive the run either
    refusedBeforeWork(runCli(["compare", ...dirInput, "--out", path.join(data, "run")]), /inside the input/);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", path.join(data, "sub", "..", "x.npy")]), /it is the input/);
    const link = path.join(dir, "link-to-data");
    fs.symlinkSync(data, link);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", link]), /symbolic link|contains the input/);
    refusedBeforeWork(runCli(["compare", ...dirInput, "--out", path.join(link, "run")]), /inside the input/);
    assert.deepEqual(snapshot(data), before);
  });

  it("refuses an existing file and a directory spec-beam did not create, even with --overwrite", () => {
    const file = path.join(dir, "results.csv");
    fs.writeFileSync(file, "a,b\n1,2\n");
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", file, "--overwrite"]), /exists and is not a directory/);
    assert.equal(fs.readFileSync(file, "utf8"), "a,b\n1,2\n");
    const theirs = path.join(dir, "theirs");
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, "summary.json"), "{}");
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", theirs, "--overwrite"]), /not a spec-beam run/);
    assert.deepEqual(fs.readdirSync(theirs), ["summary.json"]);
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", empty]), /empty directory/);
    assert.ok(fs.existsSync(empty));
  });

  it("replaces an earlier run only with --overwrite, refusing before any work without it", () => {
    const out = path.join(dir, "run");
    const first = runCli(["compare", ...inputs, "--out", out]);
    assert.equal(first.code, 0, first.stderr);
    const snap = snapshot(out);
    assert.ok(snap._SPEC_BEAM_RUN, "the marker is written");
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", out, "--seed", "5"]), /holds a spec-beam compare run .*--overwrite/);
    assert.deepEqual(snapshot(out), snap);
    const second = runCli(["compare", ...inputs, "--out", out, "--seed", "5", "--overwrite"]);
    assert.equal(second.code, 0, second.stderr);
    assert.notDeepEqual(snapshot(out), snap);
    assert.deepEqual(besides(out), [], "nothing left beside --out");
  });

  it("refuses a run that someone has written into, and a path inside a run", () => {
    const out = path.join(dir, "run-touched");
    assert.equal(runCli(["compare", ...inputs, "--out", out]).code, 0);
    fs.writeFileSync(path.join(out, "scores", "my-analysis.ipynb"), "{}");
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", out, "--overwrite"]), /did not write.*my-analysis\.ipynb/);
    assert.ok(fs.existsSync(path.join(out, "scores", "my-analysis.ipynb")));
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", path.join(out, "scores", "nested")]), /inside the spec-beam run/);
  });

  it("refuses a parent that is a file, an unwritable place and an over-long name, before any work", () => {
    const file = path.join(dir, "plain-file");
    fs.writeFileSync(file, "x");
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", path.join(file, "run")]), /plain-file is not a directory/);
    // /proc refuses new files even to root
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", "/proc/spec-beam-run"]), /cannot write in \/proc/);
    const long = path.join(dir, "r".repeat(230));
    refusedBeforeWork(runCli(["compare", ...inputs, "--out", long]), /230 bytes; at most 200/);
    assert.ok(!fs.existsSync(long));
  });

  it("align follows the same rules", () => {
    const out = path.join(dir, "align-theirs");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "W.npy"), "not ours");
    const r = runCli(["align", "--x", path.join(data, "x.npy"), "--y", path.join(data, "y.npy"), "--out", out,
      "--overwrite", "--holdout", "20", "--batch", "16", "--steps", "3"]);
    refusedBeforeWork(r, /not a spec-beam run/);
    assert.equal(fs.readFileSync(path.join(out, "W.npy"), "utf8"), "not ours");
  });
});
