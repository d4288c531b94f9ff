#!/usr/bin/env node
// Starts the standalone atmos2 live server; `atmos2-server --help` lists the
// environment it reads. It runs the CLI compiled by `npm run build` (plain
// JavaScript in dist/server), so an installed package needs no TypeScript
// tooling at run time.
"use strict";
const path = require("path");

const cli = path.join(__dirname, "..", "dist", "server", "server", "live", "cli.js");
let run;
try {
  ({ run } = require(cli));
} catch (error) {
  if (error.code !== "MODULE_NOT_FOUND" || !String(error.message).includes(cli)) throw error;
  console.error(`[atmos2-server] ${path.relative(process.cwd(), cli)} is missing: run npm run build in the atmos2 checkout first`);
  process.exit(1);
}
run(process.argv.slice(2), process.env);
