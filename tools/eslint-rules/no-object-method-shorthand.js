"use strict";
// Beam's TypeScript serialiser rebuilds each function from its source text as an expression.
// An object literal method (`process(x) {...}`, `get v() {...}`) stringifies to text that is not an
// expression, so the worker fails with "Failed to deserialize code ... Unexpected token '{'".
// Class bodies are not serialised that way and are not checked.

const keyText = (sourceCode, property) => {
  const key = sourceCode.getText(property.key);
  return property.computed ? `[${key}]` : key;
};

module.exports = {
  meta: {
    type: "problem",
    docs: { description: "forbid method, getter and setter shorthand in object literals" },
    schema: [],
    messages: {
      methodShorthand:
        "Method shorthand '{{key}}() {...}' in an object literal: Beam rebuilds functions from their source " +
        "text and this is not an expression (\"Unexpected token '{'\" on the worker). Write " +
        "'{{key}}: function (...) {...}', '{{key}}: (...) => ...' or '{{key}}: function* (...) {...}'.",
      accessor:
        "'{{kind}} {{key}}() {...}' in an object literal: Beam rebuilds functions from their source text and " +
        "an accessor is not an expression (\"Unexpected token '{'\" on the worker). Use a plain property " +
        "or a '{{key}}: function () {...}' method called explicitly.",
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      "ObjectExpression > Property"(node) {
        if (node.kind === "get" || node.kind === "set") {
          context.report({ node, messageId: "accessor", data: { kind: node.kind, key: keyText(sourceCode, node) } });
        } else if (node.method) {
          context.report({ node, messageId: "methodShorthand", data: { key: keyText(sourceCode, node) } });
        }
      },
    };
  },
};
