import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveConfig, configHash } from "../configs/load";
import { configJsonSchema } from "../configs/json-schema";
import { parseArgs } from "../pipelines/flags";

const root = path.join(__dirname, "..", "..");

describe("config schema and flags", () => {
  it("configs/schema.json is generated from configs/schema.ts (run node dist/tools/export-schema.js)", () => {
    assert.equal(fs.readFileSync(path.join(root, "configs", "schema.json"), "utf8"), configJsonSchema());
  });

  it("rejects prototype keys by name in --set and in config files, and pollutes nothing", () => {
    const base = { "x.path": "a.parquet", "y.path": "b.parquet", "out": "o" };
    for (const key of ["__proto__.x", "constructor.x", "kernel.prototype.x", "kernel.__proto__"]) {
      assert.throws(() => resolveConfig({ sets: [`${key}=1`], flags: base }),
        (e: Error) => e.constructor.name === "ConfigError" && new RegExp(`--set ${key.replace(/\./g, "\\.")}: the key '(__proto__|constructor|prototype)' is not allowed`).test(e.message));
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spec-beam-proto-"));
    try {
      const file = path.join(dir, "c.json");
      fs.writeFileSync(file, '{"x": {"path": "a.parquet"}, "kernel": {"__proto__": {"polluted": 1}}}');
      assert.throws(() => resolveConfig({ file: file, flags: { out: "o" } }), /kernel\.__proto__: the key '__proto__' is not allowed/);
      const yaml = path.join(dir, "c.yaml");
      fs.writeFileSync(yaml, "x:\n  path: a.parquet\nconstructor:\n  polluted: 1\n");
      assert.throws(() => resolveConfig({ file: yaml, flags: { out: "o" } }), /constructor: the key 'constructor' is not allowed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("every example config validates", () => {
    const dir = path.join(root, "configs", "examples");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    assert.ok(files.length >= 3);
    for (const f of files) resolveConfig({ file: path.join(dir, f) });
  });

  it("fills defaults: gaussian kernel, auto sigmas, rff 1000, eta 1, cholesky, direct runner", () => {
    const cfg = resolveConfig({ flags: { "x.path": "a.parquet", "y.path": "b.parquet", "out": "o" } });
    assert.equal(cfg.kernel.type, "gaussian");
    assert.equal(cfg.kernel.sigma_x, "auto");
    assert.equal(cfg.kernel.rff, 1000);
    assert.equal(cfg.eta, 1);
    assert.equal(cfg.method, "cholesky");
    assert.equal(cfg.runner.type, "direct");
    assert.equal(cfg.pairing, "by_row");
  });

  it("errors name the config path and the reason", () => {
    assert.throws(() => resolveConfig({ flags: { "x.path": "a", "y.path": "b", "out": "o", "kernel.sigma_x": -1 } }),
      /kernel\.sigma_x/);
    assert.throws(() => resolveConfig({ flags: { "x.path": "a", "y.path": "b", "out": "o", "eta": 0 } }),
      /eta: eta must be > 0/);
    assert.throws(() => resolveConfig({ flags: { "x.path": "a", "y.path": "b", "out": "o", "method": "qr" } }),
      /method/);
    assert.throws(() => resolveConfig({ flags: { "x.path": "a", "out": "o" } }), /y\.path .* or y\.column/);
  });

  it("rejects unknown keys in a config file, naming the file and the key", () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cfg-")), "c.yaml");
    fs.writeFileSync(f, "x: {path: a}\ny: {path: b}\nout: o\nkernal: {type: cosine}\n");
    assert.throws(() => resolveConfig({ file: f }), (e: Error) => e.message.includes(f) && /kernal/.test(e.message));
  });

  it("--set overrides keep YAML types and beat the file; flags beat --set", () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cfg-")), "c.yaml");
    fs.writeFileSync(f, "x: {path: a}\ny: {path: b}\nout: o\neta: 2\nkernel: {rff: 10}\n");
    const cfg = resolveConfig({ file: f, sets: ["eta=0.5", "kernel.share_omegas=true", "kernel.sigma_x=3.5"],
      flags: { "kernel.rff": 20 } });
    assert.equal(cfg.eta, 0.5);
    assert.equal(cfg.kernel.share_omegas, true);
    assert.equal(cfg.kernel.sigma_x, 3.5);
    assert.equal(cfg.kernel.rff, 20);
  });

  it("parses flags onto config paths and rejects unknown or malformed ones", () => {
    const a = parseArgs(["--x", "a.parquet", "--y=b.parquet", "--sigma-x", "auto", "--sigma-y", "2.5", "--rff",
      "300", "--id-column", "id", "--share-omegas", "--metadata", "label, caption", "--set", "top=7"]);
    assert.equal(a.flags["x.path"], "a.parquet");
    assert.equal(a.flags["y.path"], "b.parquet");
    assert.equal(a.flags["kernel.sigma_x"], "auto");
    assert.equal(a.flags["kernel.sigma_y"], 2.5);
    assert.equal(a.flags["kernel.rff"], 300);
    assert.equal(a.flags["x.id_column"], "id");
    assert.equal(a.flags["y.id_column"], "id");
    assert.equal(a.flags["kernel.share_omegas"], true);
    assert.deepEqual(a.flags["metadata_columns"], ["label", "caption"]);
    assert.deepEqual(a.sets, ["top=7"]);
    assert.throws(() => parseArgs(["--sigmax", "1"]), /unknown flag --sigmax/);
    assert.throws(() => parseArgs(["--rff", "many"]), /--rff: expected a number, got 'many'/);
    assert.throws(() => parseArgs(["--eta"]), /--eta: missing value/);
  });

  it("the config hash is stable under key order and changes with any value", () => {
    const a = resolveConfig({ flags: { "x.path": "a", "y.path": "b", "out": "o", "seed": 1 } });
    const b = resolveConfig({ flags: { "seed": 1, "out": "o", "y.path": "b", "x.path": "a" } });
    const c = resolveConfig({ flags: { "x.path": "a", "y.path": "b", "out": "o", "seed": 2 } });
    assert.equal(configHash(a), configHash(b));
    assert.notEqual(configHash(a), configHash(c));
  });
});
