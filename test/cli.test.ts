// The command-line contract: `spec-beam compare` exits 0 and prints the output directory; bad input or usage exits
// non-zero with one clear line on stderr and publishes nothing.
import { strict as assert } from "node:assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, openDuckDb, queryRows, removeDir } from "./io-helpers";
import { writeNpy, writeNpz } from "../io/npy-write";
import { plantedTable, writeTableParquet } from "./pipeline-fixtures";

const BIN = path.join(__dirname, "..", "..", "bin", "spec-beam.js");

const cli = (args: string[], env?: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 240000, env: env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The flags a command's help lists (`  --name VALUE ...` lines). */
const helpFlags = (text: string): string[] =>
  text.split("\n").map((l) => /^ {2}--([a-z-]+)/.exec(l)?.[1]).filter((f): f is string => f !== undefined);

describe("spec-beam command line", function () {
  this.timeout(300000);
  let dir = "";
  before(() => {
    dir = makeTempDir("cli");
    const t = plantedTable(40, 3, 9);
    writeNpy(path.join(dir, "x.npy"), Float32Array.from(t.x.flat()), 120, 3);
    writeNpy(path.join(dir, "y.npy"), Float32Array.from(t.y.flat()), 120, 3);
    fs.writeFileSync(path.join(dir, "ids.txt"), t.ids.join("\n") + "\n");
  });
  after(() => removeDir(dir));

  it("compare with flags: exit 0, prints the published directory, which holds summary.json", () => {
    const out = path.join(dir, "out");
    const r = cli(["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--x-ids-file",
      path.join(dir, "ids.txt"), "--sigma-x", "1", "--sigma-y", "1", "--rff", "50", "--modes", "2", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(s.n, 120);
    assert.equal(s.config.kernel.rff, 50);
  });

  it("compare --config with --set overrides", () => {
    const cfg = path.join(dir, "c.yaml");
    fs.writeFileSync(cfg, `x: {path: ${path.join(dir, "x.npy")}}\ny: {path: ${path.join(dir, "y.npy")}}\n` +
      `kernel: {type: cosine}\nout: ${path.join(dir, "out-cfg")}\n`);
    const r = cli(["compare", "--config", cfg, "--set", "modes=3", "--set", "eta=0.5"]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(fs.readFileSync(path.join(dir, "out-cfg", "summary.json"), "utf8"));
    assert.equal(s.eta, 0.5);
    assert.equal(s.modes, 3);
    assert.equal(s.kernel.type, "cosine");
  });

  it("bad input: exit 2, one line naming the file and reason, nothing published", () => {
    const bad = path.join(dir, "bad.npy");
    fs.writeFileSync(bad, "not an array");
    const out = path.join(dir, "out-bad");
    const r = cli(["compare", "--x", bad, "--y", path.join(dir, "y.npy"), "--out", out]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^spec-beam: error: .*${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
    assert.ok(!fs.existsSync(out));
  });

  it("usage errors: unknown flag and invalid values exit 2 with the reason", () => {
    const a = cli(["compare", "--sigmax", "1"]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown flag --sigmax/);
    const b = cli(["compare", "--x", "a", "--y", "b", "--out", "o", "--eta", "-1"]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /eta: eta must be > 0/);
    const c = cli(["frobnicate"]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /unknown command 'frobnicate'/);
  });

  it("--help lists every flag with its config path", () => {
    const r = cli(["compare", "--help"]);
    assert.equal(r.code, 0);
    for (const f of ["--sigma-x", "--rff", "--runner", "--pairing", "--set"]) assert.ok(r.stdout.includes(f), f);
    assert.ok(r.stdout.includes("[kernel.sigma_x]"));
  });

  it("help per command: only its flags, each default shown, two examples; demo --help exits 0", () => {
    const compare = cli(["compare", "--help"]);
    const align = cli(["align", "--help"]);
    const demo = cli(["demo", "--help"]);
    for (const r of [compare, align, demo]) {
      assert.equal(r.code, 0, r.stderr);
      const examples = r.stdout.slice(r.stdout.indexOf("examples:"));
      assert.equal(examples.split("\n").filter((l) => l.startsWith("  spec-beam ")).length, 2, r.stdout);
    }
    const cf = helpFlags(compare.stdout);
    const af = helpFlags(align.stdout);
    assert.ok(cf.includes("rff") && cf.includes("gallery") && !cf.includes("steps"), cf.join(" "));
    assert.ok(af.includes("steps") && af.includes("x") && !af.includes("rff") && !af.includes("runner"), af.join(" "));
    assert.deepEqual(helpFlags(demo.stdout), ["out", "runner"]);
    // defaults come from the schema
    assert.match(compare.stdout, /--rff N +random Fourier frequencies per embedding \(default 1000\)/);
    assert.match(compare.stdout, /--gallery N .*\(default 16\)/);
    assert.match(align.stdout, /--steps N .*\(default 300\)/);
    assert.equal(cli(["help", "align"]).stdout, align.stdout);
    const top = cli([]);
    assert.equal(top.code, 2);
    assert.match(top.stdout, /compare .*\n.*align .*\n.*demo /);
    // a flag of another command is refused by name
    const wrong = cli(["align", "--x", "a.npy", "--y", "b.npy", "--out", path.join(dir, "nope"), "--rff", "10"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^spec-beam: error: --rff is a flag of compare, not of align \(see align --help\)\n$/);
  });

  it("--version prints the tool's, Beam's and Node's versions", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
    const beam = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "node_modules", "apache-beam",
      "package.json"), "utf8"));
    for (const flag of ["--version", "-V"]) {
      const r = cli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `spec-beam ${pkg.version} (apache-beam ${beam.version}, node ${process.version})\n`);
    }
  });

  it("the README's install step puts spec-beam on PATH", () => {
    const prefix = path.join(dir, "prefix");
    const npm = spawnSync("npm", ["install", "-g", ".", "--prefix", prefix, "--no-audit", "--no-fund", "--offline"],
      { cwd: path.join(__dirname, "..", ".."), encoding: "utf8", timeout: 120000 });
    assert.equal(npm.status, 0, npm.stderr);
    const r = spawnSync("spec-beam", ["--version"], { encoding: "utf8",
      env: { ...process.env, PATH: `${path.join(prefix, "bin")}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^spec-beam \d+\.\d+\.\d+ /);
  });

  describe("report columns", () => {
    let table = "";
    before(async () => {
      table = path.join(dir, "labelled.parquet");
      await writeTableParquet(table, plantedTable(40, 3, 9), { db: await openDuckDb() });
    });
    const run = (extra: string[], out: string) => cli(["compare", "--x", table, "--x-column", "x", "--y-column", "y",
      "--id-column", "id", "--sigma-x", "1", "--sigma-y", "1", "--rff", "40", "--modes", "2", "--top", "20",
      "--out", out, ...extra]);

    for (const flag of ["--label-column", "--image-column", "--text-column"]) {
      it(`${flag} naming no column of X: exit 2, one line naming the flag, the file and its columns; nothing published`, () => {
        const out = path.join(dir, `bad${flag}`);
        const r = run([flag, "lable"], out);
        assert.equal(r.code, 2, r.stderr);
        const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("["));
        assert.equal(lines.length, 1, r.stderr);
        assert.ok(lines[0].startsWith(`spec-beam: error: ${table}: ${flag} (report.`), lines[0]);
        assert.match(lines[0], /column 'lable' not found \(columns: id, label, x, y\)$/);
        assert.ok(!fs.existsSync(out));
      });
    }

    it("--label-column alone is carried to the outputs; the run ends with SPEC-diff, the top modes and the report", async () => {
      const out = path.join(dir, "labelled-run");
      const r = run(["--label-column", "label"], out);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
      assert.deepEqual(s.config.metadata_columns, ["label"]);
      assert.equal(s.modes_digest.length, s.eigenvalues.positive.length + s.eigenvalues.negative.length);
      for (const d of s.modes_digest) {
        assert.ok(["A", "B", "C"].includes(d.dominant_label), JSON.stringify(d));
        assert.ok(d.dominant_share > 0 && d.dominant_share <= 1);
        assert.equal(d.group_size_estimate, Math.round(Math.abs(d.eigenvalue) * 120));
      }
      const db = await openDuckDb();
      const labels = await queryRows(db, `SELECT count(*) FROM read_parquet('${path.join(out, "top_samples.parquet")}') ` +
        "WHERE label IN ('A', 'B', 'C')");
      assert.equal(Number(labels[0][0]), 20 * s.modes_digest.length);
      const tail = r.stderr.trim().split("\n");
      const at = tail.findIndex((l) => l.startsWith("SPEC-diff "));
      assert.ok(at > 0, r.stderr);
      assert.match(tail[at], new RegExp(`^SPEC-diff ${s.spec_diff.two_sided.toFixed(4)} over 120 samples`));
      assert.match(tail[at + 1], /^groups x clusters and y does not:$/);
      assert.match(tail[at + 2], /^ {2}\+1 .* samples {2}top 20: \d+% "[ABC]"$/);
      assert.equal(tail[tail.length - 1], `report: ${path.join(out, "report.html")}`);
    });
  });

  describe("progress", () => {
    const args = () => ["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--sigma-x", "1",
      "--sigma-y", "1", "--rff", "30", "--modes", "2", "--shard-rows", "40"];

    it("not a terminal: plain lines per shard with rows done, rows/s, elapsed and ETA; no escape codes", () => {
      const r = cli([...args(), "--out", path.join(dir, "plain-progress")]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stderr.includes("\x1b"), r.stderr);
      const gram = r.stderr.split("\n").filter((l) => l.startsWith("[gram] shard"));
      assert.equal(gram.length, 3, r.stderr);
      assert.match(gram[2], /^\[gram\] shard 3\/3: 40 rows .*\[120\/120 rows, \d+ rows\/s, [\d.]+ s elapsed, ETA 0\.0 s\]$/);
      assert.match(r.stderr, /\[solve\] M=120 n=120: one tridiagonal reduction of the 120 x 120 Theta/);
      assert.match(r.stderr, /^\[score\] shard 3\/3: .*\[120\/120 rows, /m);
    });

    it("on a terminal: a live bar per stage with rows/s, elapsed and ETA (cli-progress)", () => {
      const quoted = [process.execPath, BIN, ...args(), "--out", path.join(dir, "tty-progress")]
        .map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
      // script(1) runs the command on a pseudo-terminal, so stderr.isTTY is true as in a user's shell
      const r = spawnSync("script", ["-qefc", quoted, "/dev/null"], { encoding: "utf8", timeout: 240000 });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const screen = r.stdout;
      assert.ok(screen.includes("\x1b["), "no terminal control sequences");
      for (const stage of ["gram", "score"]) {
        assert.match(screen, new RegExp(`\\[${stage}\\] =+ 100% \\| 120/120 rows \\| \\d+ rows/s \\| \\d+s elapsed \\| ETA \\d+s`),
          screen);
      }
      assert.ok(!/\[gram\] shard 1\/3/.test(screen), "plain lines on a terminal");
      assert.match(screen, /SPEC-diff [\d.]+ over 120 samples/);
    });
  });

  it("sigma: a bandwidth per embedding with two lines of reasons; compare --sigma-x checked uses the same choice", () => {
    const x = path.join(dir, "x.npy");
    const y = path.join(dir, "y.npy");
    const text = cli(["sigma", "--x", x, "--y", y]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split("\n");
    assert.equal(lines.length, 10, text.stdout);
    assert.match(lines[1], /^ {2}sigma = [\d.]+ \(0\.5 x the median pairwise distance [\d.]+ of 120 sampled rows, the median heuristic\)/);
    assert.match(lines[4], /^ {2}use: --sigma-x [\d.]+ {3}\(or sigma_x: checked in a config\)$/);
    const j = cli(["sigma", "--x", x, "--y", y, "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const reports = JSON.parse(j.stdout) as { side: string; check: { chosen: { sigma: number }; candidates: { verdict: string; top: number[] }[] } }[];
    assert.deepEqual(reports.map((r) => r.side), ["x", "y"]);
    // the top eigenvalue grows with sigma: from each sample its own cluster towards one cluster
    for (const r of reports) {
      const tops = r.check.candidates.map((c) => c.top[0]);
      for (let i = 1; i < tops.length; i++) assert.ok(tops[i] > tops[i - 1], tops.join(" "));
    }
    const out = path.join(dir, "checked");
    const r = cli(["compare", "--x", x, "--y", y, "--sigma-x", "checked", "--sigma-y", "checked", "--rff", "40",
      "--modes", "2", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(s.kernel.sigma_x, reports[0].check.chosen.sigma);
    assert.equal(s.kernel.sigma_y, reports[1].check.chosen.sigma);
    assert.match(s.kernel.sigma_source, /^checked: /);
    assert.equal(cli(["sigma", "--x", x, "--rff", "10"]).code, 2);
    // rows that are all equal have no scale to suggest from: exit 2, one line naming the file
    const same = path.join(dir, "same.npy");
    writeNpy(same, new Float32Array(60).fill(1), 20, 3);
    const bad = cli(["sigma", "--x", same]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /^spec-beam: error: x: .*same\.npy: --sigma-x auto: the median pairwise distance of 20 sampled rows is 0/);
  });

  describe("runner options are checked before planning", () => {
    const missing = path.join(dir, "no-such-input.parquet");
    const dataflow = ["--runner", "dataflow", "--project", "p", "--region", "europe-west4", "--temp-location",
      "gs://bucket/tmp"];

    it("--runner dataflow without --sdk-container-image is a usage error (exit 2), found before the inputs are read", () => {
      const r = cli(["compare", "--x", missing, "--y", missing, "--out", path.join(dir, "df"), ...dataflow, "--dry-run"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^spec-beam: error: runner dataflow with DOCKER workers needs runner\.sdk_container_image \(--sdk-container-image;/);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      const noProject = cli(["compare", "--x", missing, "--y", missing, "--out", path.join(dir, "df"), "--runner", "dataflow"]);
      assert.equal(noProject.code, 2);
      assert.match(noProject.stderr, /needs runner\.project, runner\.region, runner\.temp_location \(--project, --region, --temp-location\)/);
    });

    it("--runner dataflow --dry-run works offline and without credentials: prints the job, publishes nothing", () => {
      const out = path.join(dir, "df-dry");
      const home = path.join(dir, "empty-home");
      fs.mkdirSync(home, { recursive: true });
      // no credentials anywhere, and any attempt to reach the network goes to a closed port
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, GOOGLE_APPLICATION_CREDENTIALS: path.join(home, "none.json"),
        HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "" };
      const r = cli(["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--sigma-x", "1",
        "--sigma-y", "1", "--rff", "20", "--out", out, ...dataflow, "--sdk-container-image", "example/spec-beam:1",
        "--dry-run"], env);
      assert.equal(r.code, 0, r.stderr);
      const shown = JSON.parse(r.stdout);
      assert.equal(shown.dry_run, true);
      assert.match(shown.runner, /^dataflow \(project p, region europe-west4/);
      assert.ok(!fs.existsSync(out));
    });
  });

  it("an ids file with more or fewer lines than rows is refused at plan time (exit 2, before the Gram pass)", () => {
    for (const extra of [["extra-id"], []]) {
      const ids = fs.readFileSync(path.join(dir, "ids.txt"), "utf8").trim().split("\n");
      const lines = extra.length > 0 ? ids.concat(extra) : ids.slice(0, 100);
      const f = path.join(dir, `ids-${lines.length}.txt`);
      fs.writeFileSync(f, lines.join("\n") + "\n");
      const out = path.join(dir, `out-ids-${lines.length}`);
      const r = cli(["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--x-ids-file", f,
        "--sigma-x", "1", "--sigma-y", "1", "--rff", "20", "--out", out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`ids-${lines.length}\\.txt: ${lines.length} id line\\(s\\) for the 120 rows`));
      assert.ok(!/\[gram\]/.test(r.stderr), r.stderr);
      assert.ok(!fs.existsSync(out));
    }
  });

  it("--modes beyond the eigenvalues of one sign reports only those that exist, and says so", async () => {
    const out = path.join(dir, "out-few-modes");
    const r = cli(["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--x-ids-file",
      path.join(dir, "ids.txt"), "--sigma-x", "1", "--sigma-y", "1", "--rff", "1", "--modes", "10", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    const pos = s.eigenvalues.positive as number[];
    const neg = s.eigenvalues.negative as number[];
    // M = 4 features: at most 4 eigenvalues in all, so neither side can have 10
    assert.ok(pos.length + neg.length <= 4 && pos.length < 10 && neg.length < 10, JSON.stringify(s.eigenvalues));
    assert.ok(pos.every((v) => v > s.eigenvalue_tolerance), `positive modes: ${pos}`);
    assert.ok(neg.every((v) => v < -s.eigenvalue_tolerance), `negative modes: ${neg}`);
    assert.deepEqual(s.modes_reported, { positive: pos.length, negative: neg.length });
    assert.equal(s.modes_requested, 10);
    assert.match(r.stderr, new RegExp(`note: only ${pos.length} positive eigenvalue\\(s\\) .* reporting ${pos.length} of the 10 \\+modes`));
    const db = await openDuckDb();
    const cols = (await queryRows(db, `DESCRIBE SELECT * FROM read_parquet('${path.join(out, "scores", "*.parquet")}')`)).map((c) => c[0]);
    assert.deepEqual(cols.filter((c) => String(c).startsWith("score_")),
      pos.map((_, j) => `score_p${j + 1}`).concat(neg.map((_, j) => `score_n${j + 1}`)));
  });

  it("one row, identical rows with --sigma auto, and hopeless bandwidths exit 2 with one line naming the file", () => {
    writeNpy(path.join(dir, "one.npy"), Float32Array.of(1, 2, 3), 1, 3);
    writeNpy(path.join(dir, "same.npy"), Float32Array.from({ length: 30 }, (_, i) => i % 3), 10, 3);
    const base = ["--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), "--x-ids-file", path.join(dir, "ids.txt"),
      "--rff", "20"];
    const cases: [string[], RegExp][] = [
      [["--x", path.join(dir, "one.npy"), "--y", path.join(dir, "one.npy")], /one\.npy: 1 row; .*at least 2/],
      [["--x", path.join(dir, "same.npy"), "--y", path.join(dir, "same.npy")], /same\.npy: --sigma-x auto: the median pairwise distance .* is 0/],
      [[...base, "--sigma-x", "1e12", "--sigma-y", "1"], /x\.npy: sigma_x = 1000000000000 is too large.*try --sigma-x/],
      [[...base, "--sigma-x", "1", "--sigma-y", "1e-12"], /y\.npy: sigma_y = 1e-12 is too small.*try --sigma-y/],
    ];
    for (const c of cases) {
      const out = path.join(dir, "out-degenerate");
      const r = cli(["compare", ...c[0], "--out", out]);
      assert.equal(r.code, 2, r.stderr);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("spec-beam: error"));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0], c[1]);
      assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
      assert.ok(!fs.existsSync(out));
    }
    const out = path.join(dir, "out-warned");
    const r = cli(["compare", ...base, "--sigma-x", "0.05", "--sigma-y", "1", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: sigma_x = 0\.05 may be too small/);
    const s = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(s.kernel.bandwidth_warnings.length, 1);
  });

  it("a multi-array .npz: --x-column / --y-column pick the arrays (as documented); a wrong name lists the arrays", () => {
    const t = plantedTable(40, 3, 9);
    const f = path.join(dir, "both.npz");
    writeNpz(f, { pixels: { data: Float32Array.from(t.x.flat()), rows: 120, cols: 3 },
      fourier: { data: Float32Array.from(t.y.flat()), rows: 120, cols: 3 } });
    const common = ["--x", f, "--sigma-x", "1", "--sigma-y", "1", "--rff", "40", "--modes", "2", "--seed", "3"];
    const a = cli(["compare", ...common, "--x-column", "pixels", "--y-column", "fourier", "--out", path.join(dir, "npz-run")]);
    assert.equal(a.code, 0, a.stderr);
    // the same numbers as the two arrays given as separate .npy files
    const b = cli(["compare", "--x", path.join(dir, "x.npy"), "--y", path.join(dir, "y.npy"), ...common.slice(2),
      "--out", path.join(dir, "npy-run")]);
    assert.equal(b.code, 0, b.stderr);
    const ev = (d: string) => JSON.parse(fs.readFileSync(path.join(dir, d, "summary.json"), "utf8")).eigenvalues;
    assert.deepEqual(ev("npz-run"), ev("npy-run"));
    const wrong = cli(["compare", ...common, "--x-column", "pixel", "--y-column", "fourier", "--out", path.join(dir, "npz-bad")]);
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /both\.npz: \.npz has no array 'pixel' \(arrays: (fourier, pixels|pixels, fourier)\)/);
    const none = cli(["compare", ...common, "--y-column", "fourier", "--out", path.join(dir, "npz-none")]);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /several arrays .*--x-column \/ --y-column/);
  });
});
