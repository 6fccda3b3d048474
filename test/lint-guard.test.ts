// The lint guard (eslint.config.js + tools/eslint-rules/) must catch each construct that
// ts-closure-transform silently miscompiles, and must leave the documented safe alternatives alone.
import assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");
const SHORTHAND_RULE = "closure/no-shorthand-import";
const EXPORTED_RULE = "closure/no-exported-const-in-closure";

let eslint: ESLint;

const lint = async (code: string, relPath = "spec/probe.ts"): Promise<ESLint.LintResult> => {
  const results = await eslint.lintText(code, { filePath: path.join(ROOT, relPath) });
  assert.equal(results.length, 1);
  return results[0];
};

// 1-based line numbers of the errors from one rule (and, for no-restricted-syntax, one message family).
const errorLines = (result: ESLint.LintResult, ruleId: string, messageStart = ""): number[] =>
  result.messages
    .filter((m) => m.ruleId === ruleId && m.severity === 2 && m.message.startsWith(messageStart))
    .map((m) => m.line);

const assertClean = async (code: string, relPath?: string): Promise<void> => {
  const result = await lint(code, relPath);
  assert.deepEqual(result.messages, [], `expected no lint messages for:\n${code}`);
};

describe("lint guard against ts-closure-transform miscompiles", () => {
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  it("rejects array destructuring in variable declarations but not for-of heads or parameters", async () => {
    const bad = [
      "const xs = [1, 2, 3];",
      "const [a, b] = xs;",
      "let [c, ...rest] = xs;",
      "const { p: [d, e] } = { p: xs };",
      "for (let [i, j] = [0, 1]; i < j; i++) {}",
      "const f = () => { const [g, [h]] = [xs, xs]; return g; };",
    ].join("\n");
    const result = await lint(bad);
    assert.deepEqual(errorLines(result, "no-restricted-syntax", "Array destructuring"), [2, 3, 4, 5, 6]);
    assert.equal(result.messages.length, 5);

    await assertClean(
      [
        "const xs = [1, 2, 3];",
        "const a = xs[0];",
        "const b = xs[1];",
        "for (const [k, v] of new Map([['x', 1]])) console.log(k, v);",
        "for (const [k, [u, w]] of [['a', [1, 2]]]) console.log(k, u, w);",
        "const add = ([p, q]: number[]) => p + q;",
        "const o = { m([r, s]: number[]) { return r + s; } };",
        "let g = 0; let h = 0;",
        "[g, h] = xs;",
        "const { length } = xs;",
        "console.log(a, b, add, o, g, h, length);",
      ].join("\n"),
    );
  });

  it("rejects shorthand properties naming a named or default import", async () => {
    const bad = [
      "import { foo, bar as baz } from './lib';",
      "import dflt from './other';",
      "import * as ns from './ns';",
      "import fs = require('fs');",
      "const a = { foo };",
      "const b = { x: 1, baz };",
      "const c = () => ({ dflt });",
      "const d = { ns, fs };",
      "console.log(a, b, c, d);",
    ].join("\n");
    const result = await lint(bad);
    assert.deepEqual(errorLines(result, SHORTHAND_RULE), [5, 6, 7]);
    assert.equal(result.messages.length, 3);
    assert.match(result.messages[0].message, /'foo: foo'/);

    await assertClean(
      [
        "import { foo } from './lib';",
        "const local = 1;",
        "const a = { foo: foo, local };",
        "const f = (foo: number) => ({ foo });",
        "const { foo: renamed } = { foo: 2 };",
        "console.log(a, f, renamed);",
      ].join("\n"),
    );
  });

  it("rejects top-level function declarations that contain a nested function", async () => {
    const bad = [
      "function scale(xs: number[], k: number) { return xs.map((x) => x * k); }",
      "export function outer(n: number) { return function inner() { return n; }; }",
      "export default function main() { const g = () => 1; return g(); }",
      "function plain(x: number) { return x * 2; }",
      "console.log(scale, plain);",
    ].join("\n");
    const result = await lint(bad);
    assert.deepEqual(errorLines(result, "no-restricted-syntax", "Top-level `function`"), [1, 2, 3]);
    assert.equal(result.messages.length, 3);

    await assertClean(
      [
        "const scale = (xs: number[], k: number) => xs.map((x) => x * k);",
        "function plain(x: number) { return x * 2; }",
        "const wrap = () => { function inner() { return () => 1; } return inner; };",
        "class C { run() { return [1].map((x) => x + 1); } }",
        "console.log(scale, plain, wrap, C);",
      ].join("\n"),
    );
  });

  it("rejects a module's own exported variable used inside a function", async () => {
    const bad = [
      "export const LIMIT = 10;",
      "export let counter = 0;",
      "export const { dx } = { dx: 1 };",
      "const atTop = LIMIT + dx;",
      "export const bump = (x: number) => x + LIMIT;",
      "const later = () => { counter++; return dx; };",
      "type T = typeof LIMIT;",
      "const typed = (x: T): T => x;",
      "console.log(atTop, later, typed);",
    ].join("\n");
    const result = await lint(bad);
    assert.deepEqual(errorLines(result, EXPORTED_RULE), [5, 6, 6]);
    assert.equal(result.messages.length, 3);
    assert.match(result.messages[0].message, /export \{ LIMIT \}/);

    await assertClean(
      [
        "import { LIMIT } from './limits';",
        "const SCALE = 3;",
        "export const useLimit = (x: number) => x + LIMIT;",
        "const useScale = (x: number) => x * SCALE;",
        "export { SCALE, useScale };",
      ].join("\n"),
    );
  });

  it("rejects async process/startBundle/finishBundle in transforms/ only", async () => {
    const bad = [
      "const a = { async process(x: number) { return [x]; } };",
      "const b = { process: async (x: number) => [x] };",
      "class C { async finishBundle() { return []; } }",
      "class D { startBundle = async () => {}; }",
      "const e = { async 'process'(x: number) { return [x]; } };",
      "const ok = { process(x: number) { return [x]; }, async load() { return 1; } };",
      "console.log(a, b, C, D, e, ok);",
    ].join("\n");
    const result = await lint(bad, "transforms/probe.ts");
    assert.deepEqual(errorLines(result, "no-restricted-syntax", "async process"), [1, 2, 3, 4, 5]);
    assert.equal(result.messages.length, 5);

    // Outside transforms/ there is no DoFn, so async helpers with these names are allowed.
    await assertClean(bad, "io/probe.ts");
  });

  it("covers every source directory, cannot be silenced, and skips dist/, node_modules/ and fixtures", async () => {
    const dirs = ["spec", "linalg", "io", "transforms", "pipelines", "report", "configs", "infra", "bench", "test", "tools"];
    for (const dir of dirs) {
      const result = await lint("const xs = [1, 2];\nconst [a, b] = xs;\nconsole.log(a, b);", `${dir}/deep/probe.ts`);
      assert.deepEqual(errorLines(result, "no-restricted-syntax"), [2], `not linted: ${dir}/`);
    }
    for (const ignored of ["dist/spec/probe.ts", "node_modules/x/probe.ts", "linalg/native/build/probe.ts", "test/fixtures/lint/probe.ts"]) {
      assert.equal(await eslint.isPathIgnored(path.join(ROOT, ignored)), true, `linted: ${ignored}`);
    }
    const silenced = await lint(
      "const xs = [1, 2];\n// eslint-disable-next-line no-restricted-syntax\nconst [a, b] = xs;\nconsole.log(a, b);",
    );
    assert.deepEqual(errorLines(silenced, "no-restricted-syntax"), [3]);
  });
});
