"use strict";
// Lint guard for ts-closure-transform's silent miscompiles (docs/beam-sdk-findings.md,
// "Silent miscompiles"). Only those constructs are checked: no stylistic rules on purpose.
const tsParser = require("@typescript-eslint/parser");
const closureRules = require("./tools/eslint-rules");
const layerRules = closureRules.layers;

const SOURCE_DIRS = [
  "pipelines", "transforms", "beam-runtime", "worker", "shards", "run-dir", "method", "io", "configs", "demo", "report", "linalg",
  "test", "bench", "tools",
];

// Top to bottom: a file may import from its own folder or from a folder in a lower layer only.
// `outside` folders may import anything; no layered file may import from them (or from a folder not listed).
const LAYER_ORDER = {
  layers: [
    ["pipelines"],
    ["transforms"],
    ["beam-runtime"],
    ["worker"],
    ["shards", "run-dir"],
    ["method", "io", "configs", "demo"],
    ["report"],
    ["linalg"],
  ],
  outside: ["test", "bench", "tools"],
  docs: "docs/architecture.md",
};

// Parameter patterns and `for (const [k, v] of ...)` compile correctly; every other
// declaration-level array pattern (nested in an object pattern, in a `for (;;)` head) loses elements.
const ARRAY_DESTRUCTURING = [
  "VariableDeclaration:not(ForOfStatement > VariableDeclaration.left) > VariableDeclarator > ArrayPattern.id",
  "VariableDeclaration:not(ForOfStatement > VariableDeclaration.left) > VariableDeclarator > ObjectPattern.id ArrayPattern",
].map((selector) => ({
  selector,
  message:
    "Array destructuring in a variable declaration: ts-closure-transform keeps only the first element " +
    "(`const [a, b] = xs` becomes `const [a] = xs`). Index instead: `const a = xs[0]; const b = xs[1];`.",
}));

// `:has(* :function)` matches nested functions only; `:has(:function)` also matches the declaration itself.
const TOP_LEVEL_FUNCTION_WITH_LAMBDA = [
  "Program > FunctionDeclaration:has(* :function)",
  "Program > ExportNamedDeclaration > FunctionDeclaration:has(* :function)",
  "Program > ExportDefaultDeclaration > FunctionDeclaration:has(* :function)",
].map((selector) => ({
  selector,
  message:
    "Top-level `function` declaration containing a nested function or arrow: ts-closure-transform breaks " +
    "its captures once serialised. Write it as `const f = (...) => ...` (export it with `export const` " +
    "only if no closure in this module uses it, else `export { f }` at the bottom).",
}));

const BUNDLE_METHOD = "/^(process|startBundle|finishBundle)$/";
const ASYNC_DOFN_METHOD = [
  `:matches(Property, MethodDefinition, PropertyDefinition)[key.name=${BUNDLE_METHOD}][value.async=true]`,
  `:matches(Property, MethodDefinition, PropertyDefinition)[key.value=${BUNDLE_METHOD}][value.async=true]`,
].map((selector) => ({
  selector,
  message:
    "async process/startBundle/finishBundle: the Beam TypeScript SDK passes the returned Promise downstream " +
    "instead of awaiting it. Use synchronous I/O (or a synckit worker bridge) inside DoFns.",
}));

module.exports = [
  // Plain JS (this file, tools/eslint-rules/, bin/) never goes through ts-closure-transform.
  { ignores: ["dist/", "linalg/native/build/", "test/fixtures/lint/", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  {
    files: SOURCE_DIRS.map((dir) => `${dir}/**/*.ts`),
    languageOptions: { parser: tsParser, sourceType: "module", ecmaVersion: "latest" },
    // A disable comment cannot stop a miscompile, so none may silence the guard; directives
    // written for other tools' rules then only warn instead of failing as unknown rules.
    linterOptions: { noInlineConfig: true },
    plugins: { closure: closureRules },
    rules: {
      "no-restricted-syntax": ["error", ...ARRAY_DESTRUCTURING, ...TOP_LEVEL_FUNCTION_WITH_LAMBDA],
      "closure/no-shorthand-import": "error",
      "closure/no-exported-const-in-closure": "error",
      "closure/no-captured-mutable-for-let": "error",
    },
  },
  {
    files: SOURCE_DIRS.map((dir) => `${dir}/**/*.ts`),
    plugins: { layers: layerRules },
    rules: { "layers/layer-order": ["error", LAYER_ORDER] },
  },
  {
    // Only Beam code is serialised from source text (class bodies are not checked by the rule).
    files: ["transforms/**/*.ts", "pipelines/**/*.ts"],
    rules: { "closure/no-object-method-shorthand": "error" },
  },
  {
    // A later `no-restricted-syntax` replaces the earlier options, so repeat them here.
    files: ["transforms/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error", ...ARRAY_DESTRUCTURING, ...TOP_LEVEL_FUNCTION_WITH_LAMBDA, ...ASYNC_DOFN_METHOD,
      ],
    },
  },
];
