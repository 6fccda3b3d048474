"use strict";
// Local rules guarding against ts-closure-transform miscompiles that need scope analysis
// (see docs/beam-typescript-sdk.md, "Silent miscompiles").
module.exports = {
  meta: { name: "spec-beam-closure" },
  rules: {
    "no-shorthand-import": require("./no-shorthand-import"),
    "no-exported-const-in-closure": require("./no-exported-const-in-closure"),
  },
};
