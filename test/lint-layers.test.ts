// The layer rule (layers/layer-order, table in eslint.config.js) must catch every relative import that
// points up the layer order, across one layer, or from a layered folder into test/, bench/, tools/ or an
// unlisted folder, and must leave downward, same-folder and unlayered (test/, bench/) imports alone.
import assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");
const RULE = "layers/layer-order";

let eslint: ESLint;

const lint = async (code: string, relPath: string): Promise<ESLint.LintResult> => {
  const results = await eslint.lintText(code, { filePath: path.join(ROOT, relPath) });
  assert.equal(results.length, 1);
  return results[0];
};

const layerMessages = (result: ESLint.LintResult): ESLint.LintResult["messages"] =>
  result.messages.filter((m) => m.ruleId === RULE);

// 1-based lines of the layer errors; also checks that no other rule reported anything.
const errorLines = async (code: string, relPath: string): Promise<number[]> => {
  const result = await lint(code, relPath);
  assert.deepEqual(
    result.messages.filter((m) => m.ruleId !== RULE),
    [],
    `unexpected messages from other rules in ${relPath}`,
  );
  const mine = layerMessages(result);
  for (const m of mine) assert.equal(m.severity, 2, m.message);
  return mine.map((m) => m.line);
};

const assertClean = async (code: string, relPath: string): Promise<void> => {
  const result = await lint(code, relPath);
  assert.deepEqual(result.messages, [], `expected no lint messages for ${relPath}:\n${code}`);
};

const firstMessage = async (code: string, relPath: string): Promise<string> => {
  const mine = layerMessages(await lint(code, relPath));
  assert.ok(mine.length > 0, `no ${RULE} error in ${relPath}`);
  return mine[0].message;
};

describe("lint rule: imports follow the layer order", () => {
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  it("allows imports that point down the layer order", async () => {
    await assertClean(["import { y } from '../transforms/y';", "console.log(y);"].join("\n"), "pipelines/x.ts");
    await assertClean(
      [
        "import { b } from '../method/b';",
        "import * as c from '../shards/c';",
        "import { m } from '../linalg/matrix.js';",
        "console.log(b, c, m);",
      ].join("\n"),
      "worker/a.ts",
    );
    await assertClean(["import { r } from '../report/r';", "console.log(r);"].join("\n"), "io/deep/x.ts");
  });

  it("allows imports from the file's own folder, nested subfolders included", async () => {
    await assertClean(
      ["import { p } from './plan';", "import { q } from './sub/q';", "console.log(p, q);"].join("\n"),
      "pipelines/x.ts",
    );
    await assertClean(
      ["import { solve } from '../index';", "import { k } from '../../linalg/kernels';", "console.log(solve, k);"].join("\n"),
      "linalg/native/x.ts",
    );
  });

  it("allows bare package names and node: builtins from any layer", async () => {
    await assertClean(
      [
        "import * as beam from 'apache-beam';",
        "import * as fs from 'node:fs';",
        "import { z } from 'zod';",
        "const yaml = require('yaml');",
        "console.log(beam, fs, z, yaml);",
      ].join("\n"),
      "linalg/a.ts",
    );
  });

  it("rejects an upward import with the line of the offending import", async () => {
    const worker = [
      "import { b } from '../method/b';",
      "import { plan } from '../pipelines/plan';",
      "console.log(b, plan);",
    ].join("\n");
    assert.deepEqual(await errorLines(worker, "worker/a.ts"), [2]);
    assert.equal(
      await firstMessage(worker, "worker/a.ts"),
      "worker/ (layer 4) may not import pipelines/plan (layer 1): imports point down the layer order " +
        "(docs/architecture.md); move the shared code below both.",
    );

    const linalg = ["const n = 1;", "import { x } from '../io/x';", "console.log(n, x);"].join("\n");
    assert.deepEqual(await errorLines(linalg, "linalg/a.ts"), [2]);
    assert.match(await firstMessage(linalg, "linalg/a.ts"), /^linalg\/ \(layer 8\) may not import io\/x \(layer 6\)/);

    // A nested file is still in its top-level folder's layer.
    assert.deepEqual(await errorLines("import { t } from '../../transforms/t';\nconsole.log(t);", "linalg/native/x.ts"), [1]);
  });

  it("rejects an import between different folders of the same layer", async () => {
    const shards = "import { b } from '../run-dir/b';\nconsole.log(b);";
    assert.deepEqual(await errorLines(shards, "shards/a.ts"), [1]);
    assert.match(await firstMessage(shards, "shards/a.ts"), /^shards\/ \(layer 5\) may not import run-dir\/b \(layer 5, the same layer\)/);

    const method = "// reads a matrix\n\nimport { x } from '../io/x';\nconsole.log(x);";
    assert.deepEqual(await errorLines(method, "method/a.ts"), [3]);
    assert.match(await firstMessage(method, "method/a.ts"), /move the shared code to a lower layer/);
  });

  it("checks import type, export from, dynamic import(), require() and import = require()", async () => {
    const code = [
      "import type { Plan } from '../pipelines/plan';",
      "export * from '../pipelines/all';",
      "export { step } from '../transforms/step';",
      "export type { T } from '../transforms/types';",
      "const later = () => import('../pipelines/lazy');",
      "const cjs = require('../beam-runtime/runners');",
      "import legacy = require('../pipelines/legacy');",
      "const tmpl = () => import(`../transforms/tmpl`);",
      "type Q = import('../pipelines/q').Q;",
      "const ok = require('../linalg/ok');",
      "console.log(later, cjs, legacy, tmpl, ok);",
      "export type { Plan, Q };",
    ].join("\n");
    assert.deepEqual(await errorLines(code, "worker/a.ts"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("ignores non-literal and non-require specifiers", async () => {
    await assertClean(
      [
        "const name = '../pipelines/plan';",
        "const a = () => import(name);",
        "const b = require(name);",
        "const o = { require: (s: string) => s };",
        "const c = o.require('../pipelines/plan');",
        "console.log(a, b, c);",
      ].join("\n"),
      "linalg/a.ts",
    );
  });

  it("rejects imports from test/, bench/, tools/ and unlisted folders in a layered file", async () => {
    const code = [
      "import { fixture } from '../test/x';",
      "import { timer } from '../bench/timer';",
      "import { rule } from '../tools/eslint-rules/index';",
      "import { jobServer } from '../infra/flink/jobserver';",
      "import pkg = require('../package.json');",
      "console.log(fixture, timer, rule, jobServer, pkg);",
    ].join("\n");
    assert.deepEqual(await errorLines(code, "io/a.ts"), [1, 2, 3, 4, 5]);
    const result = await lint(code, "io/a.ts");
    const messages = layerMessages(result).map((m) => m.message);
    assert.match(messages[0], /^io\/ \(layer 6\) may not import test\/x: test\/ is outside the layers/);
    assert.match(messages[3], /^io\/ \(layer 6\) may not import infra\/flink\/jobserver: infra\/ is not in the layer table/);
    assert.match(messages[4], /the root file package\.json is not in the layer table/);
  });

  it("rejects an import that leaves the project root", async () => {
    assert.deepEqual(await errorLines("import { x } from '../../elsewhere/x';\nconsole.log(x);", "io/a.ts"), [1]);
  });

  it("lets test/ and bench/ files import from any folder", async () => {
    const code = [
      "import { plan } from '../pipelines/plan';",
      "import { solve } from '../linalg/index';",
      "import { fixture } from './fixtures/helper';",
      "import { rule } from '../tools/eslint-rules/index';",
      "import { io } from '../io/x';",
      "console.log(plan, solve, fixture, rule, io);",
    ].join("\n");
    await assertClean(code, "test/a.test.ts");
    await assertClean(code, "bench/a.ts");
    await assertClean(code.replace("'./fixtures/helper'", "'../test/fixtures/helper'"), "tools/a.ts");
  });

  it("cannot be silenced by an inline directive", async () => {
    const code = "// eslint-disable-next-line layers/layer-order\nimport { plan } from '../pipelines/plan';\nconsole.log(plan);";
    const result = await lint(code, "worker/a.ts");
    assert.deepEqual(
      layerMessages(result).map((m) => [m.line, m.severity]),
      [[2, 2]],
    );
  });
});
