"use strict";
// ts-closure-transform boxes a `let` that a nested function captures and that is assigned after its
// initialiser. For a `for (let ...;;)` head it moves the boxed declaration into a block of its own
// before the loop, so the loop's test, update and body then read an undeclared name
// ("ReferenceError: s is not defined"). Captured-but-never-reassigned head variables, `var` heads,
// and `for (const|let x of|in ...)` heads all compile correctly (probed with tspc), so they pass.

// Scopes TypeScript treats as a separate function when deciding what a closure captures.
const FUNCTION_LIKE = new Set(["function", "class-field-initializer", "class-static-block"]);

const crossesFunction = (from, until) => {
  for (let s = from; s && s !== until; s = s.upper) {
    if (FUNCTION_LIKE.has(s.type)) return true;
  }
  return false;
};

module.exports = {
  meta: {
    type: "problem",
    docs: { description: "forbid closures capturing a reassigned `let` declared in a `for (;;)` head" },
    schema: [],
    messages: {
      capturedForLet:
        "'{{name}}' is declared in this `for (let ...)` head, reassigned, and captured by a nested function; " +
        "ts-closure-transform boxes it and moves the declaration out of the loop ('{{name}} is not defined' " +
        "at run time). Copy it first: `const cur = {{name}};` in the body and capture `cur`.",
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      "ForStatement > VariableDeclaration.init[kind='let']"(decl) {
        for (const declarator of decl.declarations) {
          for (const variable of sourceCode.getDeclaredVariables(declarator)) {
            const reassigned = variable.references.some((ref) => ref.isWrite() && !ref.init);
            if (!reassigned) continue;
            for (const ref of variable.references) {
              if (ref.isValueReference === false) continue;
              if (!crossesFunction(ref.from, variable.scope)) continue;
              context.report({ node: ref.identifier, messageId: "capturedForLet", data: { name: variable.name } });
            }
          }
        }
      },
    };
  },
};
