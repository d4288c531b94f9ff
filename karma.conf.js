// Browser specs: real headless Chromium, real localStorage and fetch, and the
// bundled Google-Tasks-compatible API (real SQLite in a temp dir) mounted on
// Karma's own server under /tasks/v1, so requests stay same-origin.
require("tsx/cjs");
const fs = require("fs");
const os = require("os");
const path = require("path");

process.env.CHROME_BIN = process.env.CHROME_BIN || "/usr/bin/chromium";

// One folder per run for the API's SQLite file and the spec bundles
// (karma-webpack's default is a new folder in the temp dir each run, never
// removed), removed when Karma exits.
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-karma-"));
process.on("exit", () => fs.rmSync(runDir, { recursive: true, force: true }));

function tasksApiMiddleware() {
  const { createTasksApi } = require("./example/server/tasks-api");
  const api = createTasksApi({ dbFile: path.join(runDir, "tasks.sqlite"), token: "browser-token" });
  return (req, res, next) => {
    // An API moved to another origin (localhost → 127.0.0.1), where nothing sends CORS headers: spec/browser/offline/redirected-away.spec.ts.
    if (req.url.startsWith("/moved-away/")) {
      const host = String(req.headers.host).replace(/^localhost\b/, "127.0.0.1");
      res.writeHead(302, { Location: `http://${host}/no-cors${req.url.slice("/moved-away".length)}` });
      return void res.end();
    }
    // An API whose CORS allows only some headers (as Google's allows no Idempotency-Key): spec/browser/offline/cors-refused-header.spec.ts.
    if (req.url.startsWith("/strict-cors/")) {
      res.setHeader("Access-Control-Allow-Origin", "*");
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE", "Access-Control-Allow-Headers": "authorization, content-type" });
        return void res.end();
      }
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 200 : 500, { "Content-Type": "application/json" });
      return void res.end(req.method === "GET" ? "[]" : "{}");
    }
    if (!api.handle(req, res)) next();
  };
}

// Ends the run with the plain line CI reads: "N passed, N failed".
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  this.onRunComplete = (browsers, results) => {
    // A bundle that fails to load runs no spec: count it as a failure.
    const failed = results.failed + (results.error ? 1 : 0);
    this.write(`\n${results.success} passed, ${failed} failed\n`);
  };
}
SummaryReporter.$inject = ["baseReporterDecorator"];

module.exports = (config) => {
  config.set({
    frameworks: ["mocha", "webpack"],
    files: [{ pattern: process.env.KARMA_SPECS || "spec/browser/**/*.spec.ts", watched: false }],
    preprocessors: { "spec/browser/**/*.spec.ts": ["webpack"] },
    webpack: {
      mode: "development",
      devtool: false,
      output: { path: path.join(runDir, "bundles") },
      module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { configFile: "tsconfig.json", transpileOnly: true } }] },
      resolve: { extensions: [".ts", ".js"], fallback: { fs: false, path: false, os: false } },
    },
    plugins: [
      "karma-mocha",
      "karma-webpack",
      "karma-chrome-launcher",
      { "reporter:summary": ["type", SummaryReporter], "middleware:tasks-api": ["factory", tasksApiMiddleware] },
    ],
    beforeMiddleware: ["tasks-api"],
    reporters: ["dots", "summary"],
    browsers: ["ChromiumHeadlessCI"],
    customLaunchers: {
      ChromiumHeadlessCI: {
        base: "ChromeHeadless",
        flags: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      },
    },
    client: { mocha: { timeout: 20000, reporter: "html" } },
    browserNoActivityTimeout: 120000,
    singleRun: true,
    logLevel: config.LOG_WARN,
  });
};
