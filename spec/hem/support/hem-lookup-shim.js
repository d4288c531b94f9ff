// Preloaded (`node -r`) before Hem 1.0.10 so it builds on Node 20.
//
// Hem finds a module with Node's private `Module._resolveLookupPaths(request,
// parent)`, which up to Node 11 returned `[request, paths]`; from Node 12 on it
// returns just `paths`, so Hem reads the second lookup folder as the whole list
// and fails with "Cannot find module: spine". This puts a replacement for
// Hem's lib/resolve.js into the require cache before Hem loads it. It keeps
// Hem's behaviour, module names included, and resolves packages as the Node
// versions Hem was written for did: by `main`, knowing nothing of `exports`.
"use strict";
const Module = require("module");
const path = require("path");

const hemResolve = require.resolve("hem/lib/resolve.js");

/** Hem's CommonJS name for a file: its path in node_modules, no extension; `x/x` is `x`. */
function modulerize(id, filename = id) {
  const ext = path.extname(filename);
  const dir = path.dirname(id);
  const base = path.basename(id, ext);
  const name = dir === base ? base : path.join(dir, base);
  return name.replace(/\\/g, "/");
}

const modulePaths = Module._nodeModulePaths(process.cwd());
const invalidDirs = ["/", "."];
const repl = { id: "repl", filename: path.join(process.cwd(), "repl"), paths: modulePaths };

const isPath = (request) => path.isAbsolute(request) || /^\.\.?(\/|$)/.test(request);

/** Node ≤ 11's lookup: a package folder's `main` (or index.js), no `exports` map. */
function findFile(request, paths) {
  if (isPath(request)) return Module._findPath(request, paths);
  for (const dir of paths) {
    // An absolute request makes Node skip the exports map and read `main`.
    const found = Module._findPath(path.join(dir, request), []);
    if (found) return found;
  }
  return false;
}

/** `[moduleName, scriptPath]` for a `require(request)` made in `parent`, as Hem's own resolve returns. */
function resolve(request, parent = repl) {
  const paths = Module._resolveLookupPaths(request, parent) || [];
  const filename = findFile(request, paths);
  if (!filename) throw new Error(`Cannot find module: ${request}. Have you run \`npm install .\` ?`);

  // The name is the path below the node_modules folder the file is in.
  let dir = filename;
  while (!invalidDirs.includes(dir) && !modulePaths.includes(dir)) dir = path.dirname(dir);
  if (invalidDirs.includes(dir)) {
    const index = filename.lastIndexOf(`${path.sep}${request}`);
    if (index <= 0) throw new Error(`Load path not found for ${filename}`);
    dir = filename.substring(0, index);
    modulePaths.push(dir); // a linked package
  }
  const id = filename.replace(`${dir}${path.sep}`, "");
  return [modulerize(id, filename), filename];
}

resolve.paths = (filename) => Module._nodeModulePaths(path.dirname(filename));
resolve.modulerize = modulerize;

const shim = new Module(hemResolve, module);
shim.filename = hemResolve;
shim.loaded = true;
shim.exports = resolve;
require.cache[hemResolve] = shim;
