#!/usr/bin/env node
// `npm test`: the whole suite, one runner after another, each streaming its
// own output. The last line is the total, in the form CI reads:
// "N passed, N failed".
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const only = process.argv.slice(2);

// The suites that need no SQLite (better-sqlite3) run first: CI builds it
// meanwhile (.ci/run), and the others (`sqlite: true`) wait for it.
const steps = [
  { name: "types", cmd: bin("tsc"), args: ["--noEmit", "-p", root], countless: true },
  { name: "spine", cmd: bin("tsx"), args: [path.join(root, "spec/spine-specs/run.ts")] },
  // The ES5 build (acorn at ES5, uglify-js 2, Hem's walker) and a CoffeeScript
  // Spine app built by Hem 1.0.10 with atmos2, run in Chromium.
  { name: "hem", cmd: bin("mocha"), args: ["--config", path.join(root, "spec/hem/.mocharc.json")] },
  // Two workers: the Node specs wait on servers, sockets and timers more than
  // they compute (alone: 242 s for 162 s of CPU; in two workers: 148 s).
  { name: "node", cmd: bin("mocha"), args: ["--parallel", "--jobs", "2"], sqlite: true },
  { name: "browser", cmd: bin("karma"), args: ["start", path.join(root, "karma.conf.js"), "--single-run"], sqlite: true },
  { name: "e2e", cmd: bin("mocha"), args: ["--config", path.join(root, "spec/e2e/.mocharc.json")], sqlite: true },
  // The package as users get it: npm pack (prepack builds), an offline install
  // into an empty project, then require/import, tsc, attw, the bin and a page.
  { name: "package", cmd: bin("mocha"), args: ["--config", path.join(root, "spec/package/.mocharc.json")], sqlite: true },
].filter((s) => only.length === 0 || only.includes(s.name));

/**
 * Waits for the build of better-sqlite3 that .ci/run started in the
 * background: ATMOS2_NATIVE_BUILD names the file its exit code is written
 * to (its output is in that name + ".log"). Resolves with an error message
 * when the build failed; at once when nothing is building.
 */
async function sqliteBuilt() {
  const done = process.env.ATMOS2_NATIVE_BUILD;
  if (!done) return undefined;
  const started = Date.now();
  while (!fs.existsSync(done)) await new Promise((resolve) => setTimeout(resolve, 250));
  const code = fs.readFileSync(done, "utf8").trim();
  console.log(`\n=== better-sqlite3's build ended with exit code ${code} (waited for it ${Math.round((Date.now() - started) / 1000)} s)`);
  if (code === "0") return undefined;
  const log = fs.existsSync(`${done}.log`) ? fs.readFileSync(`${done}.log`, "utf8").slice(-3000) : "";
  return `building better-sqlite3 failed (exit ${code}); the suites that use SQLite did not run:\n${log}`;
}

function run(step) {
  return new Promise((resolve) => {
    console.log(`\n=== ${step.name}: ${path.basename(step.cmd)} ${step.args.join(" ")}`);
    const started = Date.now();
    const child = spawn(step.cmd, step.args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let tail = "";
    const keep = (chunk) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", (c) => (process.stdout.write(c), keep(c)));
    child.stderr.on("data", (c) => (process.stderr.write(c), keep(c)));
    child.on("close", (code) => {
      const lines = tail.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      const last = [...lines].reverse().find((l) => /^\d+ passed, \d+ failed/.test(l));
      let passed = 0;
      let failed = 0;
      if (step.countless) {
        passed = code === 0 ? 1 : 0;
        failed = code === 0 ? 0 : 1;
      } else if (last) {
        [passed, failed] = last.match(/\d+/g).map(Number);
        if (code !== 0 && failed === 0) failed = 1; // crashed after its summary
      } else {
        failed = 1; // no summary: the runner itself failed
      }
      resolve({ name: step.name, passed, failed, code, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

(async () => {
  const results = [];
  let sqlite;
  for (const step of steps) {
    if (step.sqlite && !sqlite) {
      sqlite = { failure: await sqliteBuilt() };
      if (sqlite.failure) console.error(sqlite.failure);
    }
    if (step.sqlite && sqlite.failure) results.push({ name: step.name, passed: 0, failed: 1, code: 1, seconds: 0 });
    else results.push(await run(step));
  }
  console.log("\n=== summary");
  // Each runner's time, so a suite that grows slow shows (CI has 20 minutes for install and tests).
  for (const r of results) console.log(`${r.name.padEnd(8)} ${r.passed} passed, ${r.failed} failed  (${r.seconds} s)`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
})();
