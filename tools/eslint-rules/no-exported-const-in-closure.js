"use strict";
// TypeScript compiles every reference to a module's own `export const|let|var X` into
// `exports.X`; inside a serialised closure `exports` is not the defining module's, so the
// value is lost on the worker. A plain declaration plus `export { X }` keeps a local binding.

const insideFunction = (scope) => {
  for (let s = scope; s; s = s.upper) {
    if (s.type === "function") return true;
  }
  return false;
};

module.exports = {
  meta: {
    type: "problem",
    docs: { description: "forbid using a module's own exported variable inside a function" },
    schema: [],
    messages: {
      exportedInClosure:
        "'{{name}}' is declared with 'export {{kind}}' in this module and used inside a function; " +
        "ts-closure-transform turns this into 'exports.{{name}}', which is undefined once the closure is " +
        "serialised. Declare it without 'export' and add 'export { {{name}} }' at the bottom.",
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      "Program > ExportNamedDeclaration > VariableDeclaration"(decl) {
        for (const declarator of decl.declarations) {
          for (const variable of sourceCode.getDeclaredVariables(declarator)) {
            for (const ref of variable.references) {
              // typescript-eslint marks type positions (`typeof X`); those are erased.
              if (ref.isValueReference === false) continue;
              if (!insideFunction(ref.from)) continue;
              context.report({
                node: ref.identifier,
                messageId: "exportedInClosure",
                data: { name: variable.name, kind: decl.kind },
              });
            }
          }
        }
      },
    };
  },
};
