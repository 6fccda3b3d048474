// Scheduled runs as a cron job would make them: --out templates, one history row per published run, a trend
// report, --skip-unchanged, and the history's atomicity (a foreign file refused, concurrent appends all kept,
// kill -9 mid-append leaving the previous history intact).
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, openDuckDb, queryRows, removeDir } from "./io-helpers";
import { writeNpy } from "../io/npy-write";
import { plantedTable } from "./pipeline-fixtures";
import { expandOut } from "../pipelines/out-template";
import { readHistory } from "../io/history";

const BIN = path.join(__dirname, "..", "..", "bin", "spec-beam.js");

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 240000, env: { ...process.env, ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
};

const sleepToNextSecond = (): void => {
  const wait = 1000 - (Date.now() % 1000) + 50;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
};

describe("scheduled runs: --out templates, --history, --skip-unchanged, spec-beam history", function () {
  this.timeout(300000);
  let dir = "";
  let base: string[] = [];
  before(() => {
    dir = makeTempDir("history");
    const t = plantedTable(30, 3, 5);
    writeNpy(path.join(dir, "x.npy"), Float32Array.from(t.x.flat()), 90, 3);
    writeNpy(path.join(dir, "y.npy"), Float32Array.from(t.y.flat()), 90, 3);
    base = ["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--sigma-x", "1", "--sigma-y", "1",
      "--rff", "30", "--modes", "2", "--name", "Nightly pixels vs fourier"];
  });
  after(() => removeDir(dir));

  it("templates fill {date} {time} {config_hash} {name}; an unknown field is refused by name", () => {
    const now = new Date(Date.UTC(2026, 11, 7, 23, 5, 9));
    assert.equal(expandOut("runs/{name}/{date}-{time}-{config_hash}", { now: now, configHash: "abcd", name: "CLIP vs DINO v2!" }),
      "runs/clip-vs-dino-v2/2026-12-07-230509-abcd");
    assert.throws(() => expandOut("runs/{day}", { now: now, configHash: "a", name: "n" }),
      /out: unknown template field \{day\} \(known: \{date\}, \{time\}, \{config_hash\}, \{name\}\)/);
    const r = cli([...base, "--out", path.join(dir, "bad-{day}")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown template field \{day\}/);
  });

  it("two scheduled runs into a template --out give two runs, two history rows and a trend report", async () => {
    const hist = path.join(dir, "h.parquet");
    const out = path.join(dir, "runs", "{name}", "{date}-{time}");
    const a = cli([...base, "--out", out, "--history", hist]);
    assert.equal(a.code, 0, a.stderr);
    sleepToNextSecond();
    const b = cli([...base, "--out", out, "--history", hist]);
    assert.equal(b.code, 0, b.stderr);
    const runs = fs.readdirSync(path.join(dir, "runs", "nightly-pixels-vs-fourier")).sort();
    assert.equal(runs.length, 2);
    for (const r of runs) assert.match(r, /^\d{4}-\d{2}-\d{2}-\d{6}$/);
    assert.equal(a.stdout.trim(), path.join(dir, "runs", "nightly-pixels-vs-fourier", runs[0]));
    const db = await openDuckDb();
    const rows = await queryRows(db, `SELECT out, config_hash, spec_diff, cka, n, inputs_fingerprint, runner FROM ` +
      `read_parquet('${hist}') ORDER BY "when"`);
    assert.equal(rows.length, 2);
    const s0 = JSON.parse(fs.readFileSync(path.join(String(rows[0][0]), "summary.json"), "utf8"));
    assert.equal(rows[0][1], s0.config_hash);
    assert.equal(rows[1][1], s0.config_hash, "one config, one hash, whatever --out becomes");
    assert.equal(Number(rows[0][2]), s0.spec_diff.two_sided);
    assert.equal(Number(rows[0][3]), s0.cka);
    assert.equal(Number(rows[0][4]), 90);
    assert.equal(rows[0][5], rows[1][5]);
    const trend = path.join(dir, "trend");
    const h = cli(["history", hist, "--out", trend]);
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.stdout.trim(), trend);
    const html = fs.readFileSync(path.join(trend, "index.html"), "utf8");
    assert.match(html, /2 runs of 1 pair\(s\)/);
    assert.equal((html.match(/<circle class="run"/g) ?? []).length, 4, "two runs on each of the two charts");
    assert.equal(JSON.parse(fs.readFileSync(path.join(trend, "runs.json"), "utf8")).length, 2);
    // the trend report is a run directory like any other: not replaced without --overwrite
    assert.equal(cli(["history", hist, "--out", trend]).code, 2);
    assert.equal(cli(["history", hist, "--out", trend, "--overwrite"]).code, 0);
  });

  it("--skip-unchanged does nothing while the inputs are unchanged, and runs again once one changes", () => {
    const hist = path.join(dir, "skip.parquet");
    const out = path.join(dir, "skip-runs", "{date}-{time}");
    const args = [...base, "--out", out, "--history", hist, "--skip-unchanged"];
    const first = cli(args);
    assert.equal(first.code, 0, first.stderr);
    sleepToNextSecond();
    const again = cli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /\[skip\] inputs unchanged since the run of .*: nothing to do/);
    assert.equal(again.stdout.trim(), first.stdout.trim());
    assert.equal(fs.readdirSync(path.join(dir, "skip-runs")).length, 1);
    assert.equal(readHistory(hist).length, 1);
    // another config is another series: it runs
    const other = cli([...args, "--rff", "31"]);
    assert.equal(other.code, 0, other.stderr);
    assert.ok(!/\[skip\]/.test(other.stderr));
    sleepToNextSecond();
    const later = new Date(Date.now() + 60000);
    fs.utimesSync(path.join(dir, "y.npy"), later, later);
    const changed = cli(args);
    assert.equal(changed.code, 0, changed.stderr);
    assert.ok(!/\[skip\]/.test(changed.stderr), changed.stderr);
    assert.equal(readHistory(hist).length, 3);
    assert.equal(cli([...base, "--out", path.join(dir, "nohist"), "--skip-unchanged"]).code, 2);
  });

  it("a --history that is not a spec-beam history is refused before the run, and left as it was", async () => {
    const foreign = path.join(dir, "foreign.parquet");
    const db = await openDuckDb();
    await db.run(`COPY (SELECT 1 AS a, 'x' AS b) TO '${foreign}' (FORMAT parquet)`);
    const before = fs.readFileSync(foreign);
    const out = path.join(dir, "foreign-run");
    const r = cli([...base, "--out", out, "--history", foreign]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim(), `spec-beam: error: ${foreign}: not a spec-beam history (columns a, b); refusing to overwrite it`);
    assert.ok(!fs.existsSync(out), "nothing published");
    assert.deepEqual(fs.readFileSync(foreign), before);
    const text = path.join(dir, "notes.parquet");
    fs.writeFileSync(text, "my notes");
    const t = cli([...base, "--out", out, "--history", text]);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /notes\.parquet: not a readable Parquet history/);
    assert.equal(fs.readFileSync(text, "utf8"), "my notes");
  });

  it("concurrent appends all land; kill -9 between writing and renaming leaves the previous history", async () => {
    const hist = path.join(dir, "busy.parquet");
    const script = `const { appendHistory } = require(${JSON.stringify(path.join(__dirname, "..", "io", "history.js"))});
const cols = require(${JSON.stringify(path.join(__dirname, "..", "io", "history.js"))}).HISTORY_COLUMNS;
const row = Object.fromEntries(cols.map(([c, t]) => [c, t === "string" ? c + "-" + process.argv[1] : Number(process.argv[1])]));
appendHistory(${JSON.stringify(hist)}, row);`;
    const runs = Array.from({ length: 6 }, (_, i) => new Promise<number>((resolve) => {
      const c = spawn(process.execPath, ["-e", script, String(i)], { stdio: "inherit" });
      c.on("exit", (code) => resolve(code ?? -1));
    }));
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0, 0, 0]);
    const rows = readHistory(hist);
    assert.deepEqual(rows.map((r) => Number(r.n)).sort(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith(".busy.parquet")), []);
    // a run killed after its new history is written but before it replaces the old one
    const killed = cli([...base, "--out", path.join(dir, "killed"), "--history", hist], { SPEC_BEAM_TEST_KILL_AT: "history" });
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(readHistory(hist).length, 6, "the previous history is intact");
    assert.ok(fs.readdirSync(dir).some((f) => f === ".busy.parquet.lock"), "the dead run's lock is left");
    // the next run takes over the dead run's lock, removes its temporary, and appends
    const next = cli([...base, "--out", path.join(dir, "after-kill"), "--history", hist]);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(readHistory(hist).length, 7);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith(".busy.parquet")), []);
  });
});
