// The lint guard (eslint.config.js + tools/eslint-rules/) must catch each construct that
// ts-closure-transform silently miscompiles, and must leave the documented safe alternatives alone.
import assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");
const SHORTHAND_RULE = "closure/no-shorthand-import";
const EXPORTED_RULE = "closure/no-exported-const-in-closure";
const FOR_LET_RULE = "closure/no-captured-mutable-for-let";
const METHOD_RULE = "closure/no-object-method-shorthand";

let eslint: ESLint;

const lint = async (code: string, relPath = "method/probe.ts"): Promise<ESLint.LintResult> => {
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
      "const ok = { process: function (x: number) { return [x]; }, load: async function () { return 1; } };",
      "console.log(a, b, C, D, e, ok);",
    ].join("\n");
    const result = await lint(bad, "transforms/probe.ts");
    assert.deepEqual(errorLines(result, "no-restricted-syntax", "async process"), [1, 2, 3, 4, 5]);
    // Lines 1 and 5 are also object-literal method shorthand.
    assert.deepEqual(errorLines(result, METHOD_RULE), [1, 5]);
    assert.equal(result.messages.length, 7);

    // Outside transforms/ there is no DoFn, so async helpers with these names are allowed.
    await assertClean(bad, "io/probe.ts");
  });

  it("rejects closures capturing a reassigned let from a for(;;) head, but not copies or for-of/for-in", async () => {
    const bad = [
      "const f = (rows: number[], g: (l: number) => number) => rows.map(g);",
      "const n = 4;",
      "for (let s = 0; s < n; s += 2) { f([1], (local) => s + local); }",
      "for (let i = 0; i < n; i++) {",
      "  { const g = () => i; g(); }",
      "}",
      "for (let j = 0; ((m: number) => j < m)(n); j++) {}",
      "for (let k = 0; k < n;) { const inc = () => { k += 1; }; inc(); }",
      "for (let p = 0; p < n; p++) { class K { m() { return p; } } console.log(K); }",
      "for (let q = 0; q < n; q++) { for (const x of [1]) { f([x], function () { return q; }); } }",
      "for (let r = 0, get = () => r; r < n; r++) console.log(get());",
    ].join("\n");
    const result = await lint(bad);
    assert.deepEqual(errorLines(result, FOR_LET_RULE), [3, 5, 7, 8, 9, 10, 11]);
    assert.equal(result.messages.length, 7);
    assert.match(result.messages[0].message, /'s' is declared/);
    assert.match(result.messages[0].message, /const cur = s;/);

    await assertClean(
      [
        "const f = (rows: number[], g: (l: number) => number) => rows.map(g);",
        "const n = 4;",
        "for (let s = 0; s < n; s += 2) { const first = s; f([1], (local) => first + local); }",
        "for (let s = 0, lim = n; s < lim; s++) { f([1], () => lim); }",
        "for (let s = 0; s < n; s++) { f([1], (s) => s + 1); }",
        "for (let s = 0; s < n; s = ((v: number) => v + 1)(s)) { console.log(s); }",
        "for (var v = 0; v < n; v++) { f([1], () => v); }",
        "for (const x of [1, 2]) { f([1], () => x); }",
        "for (let y of [1, 2]) { y += 1; f([1], () => y); }",
        "for (let k in { a: 1 }) { f([1], () => k.length); }",
        "let w = 0;",
        "for (w = 0; w < n; w++) { f([1], () => w); }",
      ].join("\n"),
    );
  });

  it("rejects method, getter and setter shorthand in object literals in transforms/ and pipelines/", async () => {
    const bad = [
      "const a = { process(x: number) { return [x]; } };",
      "const b = { startBundle() {}, finishBundle: () => [] };",
      "const c = { get size() { return 1; }, set size(v: number) { console.log(v); } };",
      "const d = { *gen() { yield 1; } };",
      "const e = { ['k' + 1](x: number) { return x; } };",
      "const f = () => ({ inner: { setup() { return 1; } } });",
      "console.log(a, b, c, d, e, f);",
    ].join("\n");
    for (const dir of ["transforms", "pipelines"]) {
      const result = await lint(bad, `${dir}/probe.ts`);
      assert.deepEqual(errorLines(result, METHOD_RULE), [1, 2, 3, 3, 4, 5, 6], `in ${dir}/`);
      assert.equal(result.messages.length, 7);
      assert.match(result.messages[0].message, /'process: function \(\.\.\.\) \{\.\.\.\}'/);
    }

    const safe = [
      "const a = { process: function (x: number) { return [x]; } };",
      "const b = { process: (x: number) => [x], startBundle: function () {}, finishBundle: () => [] };",
      "const d = { gen: function* () { yield 1; } };",
      "class C { process(x: number) { return [x]; } get size() { return 1; } set size(v: number) { console.log(v); } }",
      "type T = { process(x: number): number[] };",
      "interface I { finishBundle(): void }",
      "const e = { a, ...b, d };",
      "const t: T = { process: (x) => [x] };",
      "const i: I = { finishBundle: () => undefined };",
      "console.log(e, C, t, i);",
    ].join("\n");
    await assertClean(safe, "transforms/probe.ts");
    await assertClean(safe, "pipelines/probe.ts");
    // Outside Beam code nothing is serialised from source text.
    await assertClean(bad, "method/probe.ts");
  });

  it("covers every source directory, cannot be silenced, and skips dist/, node_modules/ and fixtures", async () => {
    const dirs = ["pipelines", "transforms", "beam-runtime", "worker", "shards", "run-dir", "method", "io", "configs", "demo", "report", "linalg", "bench", "test", "tools"];
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
