"use strict";
// Imports must point down a layer order given as options (eslint.config.js holds the project's table):
// a file may import from its own top-level folder or from a folder in a lower layer, never from another
// folder of its own layer or from a higher one. Folders listed in `outside` (tests, benchmarks, tools)
// are not layered and may import anything, but no layered file may import from them, nor from any
// top-level folder or root file missing from the table. Only relative specifiers are checked; bare
// package names pass. A file's folder, and an import's, is the first segment of its path relative to
// the ESLint working directory (the project root). Files in folders missing from both lists are not checked.
const path = require("node:path");

const SPECIFIER_SOURCES = [
  // import ... from, import type ... from, export ... from, export * from
  "ImportDeclaration > Literal.source",
  "ExportNamedDeclaration > Literal.source",
  "ExportAllDeclaration > Literal.source",
  // import("..."), written as a string literal or a template without substitutions
  "ImportExpression > Literal.source",
  "ImportExpression > TemplateLiteral.source",
  // import x = require("...")
  "TSExternalModuleReference > Literal.expression",
];

const stringValue = (node) => {
  if (node.type === "Literal") return typeof node.value === "string" ? node.value : null;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
};

const isRelative = (spec) => spec === "." || spec === ".." || spec.startsWith("./") || spec.startsWith("../");

// Path relative to the project root with "/" separators, or null when it leaves the root.
const fromRoot = (root, absolute) => {
  const rel = path.relative(root, absolute);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join("/");
};

const buildLayerIndex = (layers) => {
  const layerOf = new Map();
  layers.forEach((folders, i) => {
    for (const folder of folders) {
      if (layerOf.has(folder)) {
        throw new Error(`layer-order: folder '${folder}' is listed in layers ${layerOf.get(folder)} and ${i + 1}`);
      }
      layerOf.set(folder, i + 1);
    }
  });
  return layerOf;
};

module.exports = {
  meta: {
    type: "problem",
    docs: { description: "require relative imports to point down the configured layer order" },
    schema: [
      {
        type: "object",
        properties: {
          layers: {
            type: "array",
            minItems: 1,
            items: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
          },
          outside: { type: "array", items: { type: "string", minLength: 1 } },
          docs: { type: "string" },
        },
        required: ["layers"],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "{{from}}/ (layer {{fromLayer}}) may not import {{target}} (layer {{toLayer}}): imports point down the " +
        "layer order{{docs}}; move the shared code below both.",
      sameLayer:
        "{{from}}/ (layer {{fromLayer}}) may not import {{target}} (layer {{toLayer}}, the same layer): folders " +
        "of one layer do not import each other{{docs}}; move the shared code to a lower layer.",
      outsideFolder:
        "{{from}}/ (layer {{fromLayer}}) may not import {{target}}: {{to}}/ is outside the layers, so it may import " +
        "layered code but not the other way round{{docs}}; move the code this file needs into a layered folder.",
      unlisted:
        "{{from}}/ (layer {{fromLayer}}) may not import {{target}}: {{to}} is not in the layer table{{docs}}; " +
        "move the code into a layered folder (or add the folder to the table in eslint.config.js).",
      outsideRoot:
        "{{from}}/ (layer {{fromLayer}}) may not import '{{spec}}': it resolves outside the project root.",
    },
  },
  create(context) {
    const options = context.options[0] || {};
    const layerOf = buildLayerIndex(options.layers || []);
    const outside = new Set(options.outside || []);
    const docs = options.docs ? ` (${options.docs})` : "";
    const root = context.cwd ?? context.getCwd();
    const filename = context.filename ?? context.getFilename();
    if (!path.isAbsolute(filename)) return {};

    const own = fromRoot(root, filename);
    if (own === null || !own.includes("/")) return {};
    const from = own.split("/")[0];
    const fromLayer = layerOf.get(from);
    // Unlayered folders (`outside`, or any other) are not constrained.
    if (fromLayer === undefined) return {};

    const check = (node) => {
      const spec = stringValue(node);
      if (spec === null || !isRelative(spec)) return;
      const target = fromRoot(root, path.resolve(path.dirname(filename), spec));
      const data = { from, fromLayer, spec, target, docs };
      if (target === null) {
        context.report({ node, messageId: "outsideRoot", data });
        return;
      }
      const segments = target.split("/");
      const to = segments[0];
      if (to === from) return;
      const toLayer = layerOf.get(to);
      if (toLayer === undefined) {
        const isFolder = segments.length > 1;
        if (isFolder && outside.has(to)) {
          context.report({ node, messageId: "outsideFolder", data: { ...data, to } });
        } else {
          context.report({ node, messageId: "unlisted", data: { ...data, to: isFolder ? `${to}/` : `the root file ${to}` } });
        }
        return;
      }
      if (toLayer > fromLayer) return;
      context.report({ node, messageId: toLayer === fromLayer ? "sameLayer" : "upward", data: { ...data, toLayer } });
    };

    const visitors = {};
    for (const selector of SPECIFIER_SOURCES) visitors[selector] = check;
    // require("...") with one string argument (not a method such as `x.require`).
    visitors["CallExpression[callee.type='Identifier'][callee.name='require']"] = (node) => {
      if (node.arguments.length === 1) check(node.arguments[0]);
    };
    // Type-level import("...").T
    visitors.TSImportType = (node) => {
      const source = node.source ?? (node.argument && node.argument.literal);
      if (source) check(source);
    };
    return visitors;
  },
};
