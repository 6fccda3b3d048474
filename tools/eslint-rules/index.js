"use strict";
// Local rules guarding against ts-closure-transform miscompiles that need scope analysis
// (see docs/beam-sdk-findings.md, "Silent miscompiles"), and against object-literal methods,
// which Beam's serialiser cannot rebuild from their source text.
// `layers` is a second plugin: imports must point down the layer order that eslint.config.js passes
// to `layers/layer-order`.
const layers = {
  meta: { name: "spec-beam-layers" },
  rules: {
    "layer-order": require("./layer-order"),
  },
};

module.exports = {
  meta: { name: "spec-beam-closure" },
  rules: {
    "no-shorthand-import": require("./no-shorthand-import"),
    "no-exported-const-in-closure": require("./no-exported-const-in-closure"),
    "no-captured-mutable-for-let": require("./no-captured-mutable-for-let"),
    "no-object-method-shorthand": require("./no-object-method-shorthand"),
  },
  layers,
};
