// infra/schedule/ as a scheduler would run it: the exact commands of the crontab line, the systemd service and
// the Airflow DAG (read from the files, not copied here), against a small config, with `spec-beam` on PATH.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, removeDir } from "./io-helpers";
import { writeNpy } from "../io/npy-write";
import { plantedTable } from "./pipeline-fixtures";
import { readHistory } from "../io/history";

const ROOT = path.join(__dirname, "..", "..");
const SCHEDULE = path.join(ROOT, "infra", "schedule");

const cronCommand = (): string => {
  const lines = fs.readFileSync(path.join(SCHEDULE, "crontab"), "utf8").split("\n");
  const job = lines.find((l) => /^(\S+\s+){5}\S/.test(l) && !l.startsWith("#") && !/^\w+=/.test(l));
  assert.ok(job, "no cron job line");
  return job.replace(/^(\S+\s+){5}/, "");
};

const systemdCommands = (): string[] =>
  fs.readFileSync(path.join(SCHEDULE, "systemd", "spec-beam-nightly.service"), "utf8").split("\n")
    .filter((l) => /^ExecStart(Post)?=/.test(l)).map((l) => l.replace(/^ExecStart(Post)?=\/usr\/bin\/env /, ""));

const dagCommand = (): string => {
  const file = path.join(SCHEDULE, "airflow", "spec_beam_dag.py");
  // the DAG's syntax, and its COMMAND constant, without importing Airflow
  const py = "import ast, sys\nt = ast.parse(open(sys.argv[1]).read())\n" +
    "print(next(ast.literal_eval(n.value) for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == 'COMMAND'))";
  return execFileSync("python3", ["-c", py, file], { encoding: "utf8" }).trimEnd();
};

describe("infra/schedule: the cron, systemd and Airflow commands", function () {
  this.timeout(300000);
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  before(() => {
    home = makeTempDir("schedule");
    const t = plantedTable(30, 3, 8);
    fs.mkdirSync(path.join(home, "data"));
    fs.mkdirSync(path.join(home, "configs"));
    fs.mkdirSync(path.join(home, "runs"));
    writeNpy(path.join(home, "data", "x.npy"), Float32Array.from(t.x.flat()), 90, 3);
    writeNpy(path.join(home, "data", "y.npy"), Float32Array.from(t.y.flat()), 90, 3);
    fs.writeFileSync(path.join(home, "configs", "nightly.yaml"), "name: nightly test\nx: {path: data/x.npy}\n" +
      "y: {path: data/y.npy}\nkernel: {sigma_x: 1, sigma_y: 1, rff: 30}\nmodes: 2\nout: unused\n");
    const bin = path.join(home, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "spec-beam"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, "bin", "spec-beam.js")}" "$@"\n`,
      { mode: 0o755 });
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, SPEC_BEAM_HOME: home, SPEC_BEAM_RUNNER_FLAGS: "" };
  });
  after(() => removeDir(home));

  const sh = (command: string) => spawnSync("bash", ["-c", command], { cwd: home, env: env, encoding: "utf8", timeout: 240000 });

  it("the crontab line runs a compare into a dated directory, records it and writes the trend report", () => {
    const r = sh(cronCommand());
    assert.equal(r.status, 0, r.stderr + fs.readFileSync(path.join(home, "runs", "cron.log"), "utf8"));
    assert.equal(readHistory(path.join(home, "runs", "history.parquet")).length, 1);
    assert.equal(fs.readdirSync(path.join(home, "runs", "nightly-test")).length, 1);
    assert.ok(fs.existsSync(path.join(home, "runs", "trend", "index.html")));
  });

  it("the Airflow DAG's command, with unchanged inputs, records nothing new and refreshes the trend", () => {
    const r = sh(dagCommand());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\[skip\] inputs unchanged/);
    assert.equal(readHistory(path.join(home, "runs", "history.parquet")).length, 1);
  });

  it("the systemd service's commands run again once an input changed", () => {
    const later = new Date(Date.now() + 60000);
    fs.utimesSync(path.join(home, "data", "x.npy"), later, later);
    // the unit's WorkingDirectory is /srv/spec-beam; here the test's home
    for (const c of systemdCommands()) {
      const r = sh(c);
      assert.equal(r.status, 0, `${c}\n${r.stderr}`);
    }
    assert.equal(readHistory(path.join(home, "runs", "history.parquet")).length, 2);
    const trend = fs.readFileSync(path.join(home, "runs", "trend", "index.html"), "utf8");
    assert.match(trend, /2 runs of 1 pair\(s\)/);
  });
});
