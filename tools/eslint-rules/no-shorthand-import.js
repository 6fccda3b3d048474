"use strict";
// ts-closure-transform renames import declarations, but TypeScript's CommonJS emit
// still rewrites `{foo}` to `{foo: <old module alias>.foo}`, a dangling name.
// Namespace imports and `import x = require()` keep a local binding and compile fine.

const MISCOMPILED_IMPORTS = new Set(["ImportSpecifier", "ImportDefaultSpecifier"]);

const resolve = (scope, identifier) => {
  const ref = scope.references.find((r) => r.identifier === identifier);
  if (ref) return ref.resolved;
  for (let s = scope; s; s = s.upper) {
    const v = s.set.get(identifier.name);
    if (v) return v;
  }
  return null;
};

module.exports = {
  meta: {
    type: "problem",
    docs: { description: "forbid shorthand properties that name an imported binding" },
    schema: [],
    messages: {
      shorthandImport:
        "Shorthand property '{{name}}' names an imported binding; ts-closure-transform emits a dangling " +
        "reference for it. Write '{{name}}: {{name}}' instead.",
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      "ObjectExpression > Property[shorthand=true]"(node) {
        if (node.value.type !== "Identifier") return;
        const variable = resolve(sourceCode.getScope(node.value), node.value);
        if (!variable) return;
        const fromImport = variable.defs.some(
          (d) => d.type === "ImportBinding" && MISCOMPILED_IMPORTS.has(d.node.type),
        );
        if (fromImport) context.report({ node, messageId: "shorthandImport", data: { name: node.value.name } });
      },
    };
  },
};
