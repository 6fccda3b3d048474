#!/usr/bin/env node
"use strict";
require("../dist/pipelines/cli.js").cli();
