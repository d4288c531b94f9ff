// Builds the client: one bundle per entry and format.
//
//   entry             browser (UMD, minified)     Node / bundlers (unminified)
//   atmos2            dist/atmos2.js  (Atmos)      dist/atmos2.mjs, dist/atmos2.cjs
//   atmos2/live       dist/atmos2-live.js          dist/atmos2-live.mjs, .cjs (Node), .browser.mjs, .browser.cjs
//   atmos2/indexeddb  dist/atmos2-indexeddb.js     dist/atmos2-indexeddb.mjs, .cjs
//
// Spine stays external: the app brings its own, and atmos2 registers itself
// on it. The optional parts never bundle the core: they import the core's
// own file (./atmos2.mjs, ./atmos2.cjs) or, as UMD files, attach to the
// global `Atmos` that dist/atmos2.js defines. The Node/bundler files are not
// minified: bundlers minify, and stack traces must read as the source.
const path = require("path");
const webpack = require("webpack");

const dist = path.resolve(__dirname, "dist");
// ES modules inside the bundle let webpack hoist and tree-shake (CommonJS
// output would add interop helpers to every file).
const rules = [
  {
    test: /\.ts$/,
    loader: "ts-loader",
    options: { configFile: "tsconfig.json", transpileOnly: true, compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
  },
];
const resolve = { extensions: [".ts", ".js"] };

const entries = {
  core: { file: "./lib/index.ts", cjsFile: "./lib/umd.ts", name: "atmos2" },
  live: { file: "./lib/live/index.ts", name: "atmos2-live", global: "LiveClient" },
  indexeddb: { file: "./lib/store/indexeddb-store.ts", name: "atmos2-indexeddb", global: "IndexedDBStore" },
};

// The UMD files are for pages: terser with a few more passes than webpack's
// default (about 4% smaller), no comments. Two transforms are left off because
// they make the gzipped file larger, though the minified one is smaller:
// `sequences` (joining statements with commas) breaks up the runs gzip
// finds repeated, and inlining functions that take arguments copies their
// bodies into the callers (`inline: 1` still inlines the simple ones).
// Together 46 bytes gzipped off dist/atmos2.js (the live and IndexedDB files
// are not larger either); leaving a transform off changes nothing the code does.
const terser = {
  compress: { passes: 3, ecma: 2020, pure_getters: true, unsafe_arrows: true, unsafe_methods: true, sequences: false, inline: 1 },
  mangle: true,
  format: { comments: false, ecma: 2020 },
};

/** The optional parts import the Atmos class from lib/atmos.ts: in their bundles it is the core's file. */
function coreAs(external) {
  const core = path.resolve(__dirname, "lib/atmos");
  return ({ context, request }, callback) => {
    if (request.startsWith(".") && path.resolve(context, request).replace(/\.ts$/, "") === core) return callback(null, external);
    callback();
  };
}

/**
 * In Node, the live client imports `ws` (lib/live/import-ws.ts, an import()
 * webpack leaves as written in the .mjs/.cjs files). A page has a WebSocket
 * and no `ws`: the UMD files take lib/live/import-ws.browser.ts, so they hold
 * no import() (the ES5 build could not have one).
 */
const browserImportWs = new webpack.NormalModuleReplacementPlugin(/^\.\/import-ws$/, "./import-ws.browser");

/**
 * In the CommonJS files, a missing `spine` package is not an error: the app
 * may have run Spine's script into the global scope, and lib/app-context.ts
 * then takes `globalThis.Spine` (API.md: "the spine module, or
 * globalThis.Spine"). Any other failure inside Spine still throws.
 */
const optionalSpine = `var (function () {
  try {
    return require("spine");
  } catch (error) {
    if (error && error.code === "MODULE_NOT_FOUND" && / 'spine'/.test(error.message)) return {};
    throw error;
  }
})()`;

const spine = (type) =>
  type === "umd"
    ? { spine: { commonjs: "spine", commonjs2: "spine", amd: "spine", root: "Spine" } }
    : { spine: type === "cjs" ? optionalSpine : "spine" };

/**
 * Ends every JavaScript file with a newline, after the sourceMappingURL
 * comment webpack appends (tools that concatenate files, and POSIX, expect it).
 */
class FinalNewlinePlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap("FinalNewlinePlugin", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "FinalNewlinePlugin", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER }, (assets) => {
        for (const name of Object.keys(assets)) {
          if (!/\.[cm]?js$/.test(name)) continue;
          const text = assets[name].source().toString();
          if (!text.endsWith("\n")) compilation.updateAsset(name, (source) => new webpack.sources.ConcatSource(source, "\n"));
        }
      });
    });
  }
}

function umd(key, mode) {
  const entry = entries[key];
  const library =
    key === "core"
      ? { name: "Atmos", type: "umd", export: "default" }
      : // Loaded after dist/atmos2.js, the file sets `Atmos.LiveClient` / `Atmos.IndexedDBStore`.
        { name: { root: ["Atmos", entry.global], amd: `atmos2/${key}`, commonjs: `atmos2/${key}` }, type: "umd", export: entry.global };
  return {
    name: key === "core" ? "umd" : `umd-${key}`,
    mode,
    entry: key === "core" ? entry.cjsFile : entry.file,
    devtool: "source-map",
    output: { path: dist, filename: `${entry.name}.js`, library, globalObject: "globalThis" },
    externals: [spine("umd"), key === "core" ? {} : coreAs({ root: "Atmos", commonjs: "./atmos2.js", commonjs2: "./atmos2.js", amd: "atmos2" })],
    optimization: { minimizeOptions: { javascript: terser } },
    module: { rules },
    resolve,
    plugins: [browserImportWs, new FinalNewlinePlugin()],
  };
}

/**
 * `browser`: the live client's files for bundlers (package.json gives them
 * to every condition but "node"): they take lib/live/import-ws.browser.ts,
 * so no bundler meets the `import("ws")` of the Node files (only webpack
 * reads its webpackIgnore comment; Rollup bundled all of ws, and the page
 * died on Node's built-ins).
 */
function esm(key, mode, browser = false) {
  const entry = entries[key];
  const name = browser ? `${entry.name}.browser` : entry.name;
  return {
    name: `esm-${key}${browser ? "-browser" : ""}`,
    mode,
    entry: entry.file,
    devtool: "source-map",
    experiments: { outputModule: true },
    output: { path: dist, filename: `${name}.mjs`, library: { type: "module" } },
    externalsType: "module",
    externals: [spine("esm"), key === "core" ? {} : coreAs("./atmos2.mjs")],
    optimization: { minimize: false },
    module: { rules },
    resolve,
    plugins: [...(browser ? [browserImportWs] : []), new FinalNewlinePlugin()],
  };
}

function cjs(key, mode, browser = false) {
  const entry = entries[key];
  const name = browser ? `${entry.name}.browser` : entry.name;
  // `require("atmos2")` is the Atmos class itself (lib/umd.ts adds the named exports and `.default`).
  const library = key === "core" ? { type: "commonjs2", export: "default" } : { type: "commonjs2" };
  return {
    name: `cjs-${key}${browser ? "-browser" : ""}`,
    mode,
    target: browser ? ["web", "es2020"] : "node20",
    entry: entry.cjsFile ?? entry.file,
    devtool: "source-map",
    output: { path: dist, filename: `${name}.cjs`, library },
    externalsType: "commonjs",
    externals: [spine("cjs"), key === "core" ? {} : coreAs("./atmos2.cjs")],
    optimization: { minimize: false },
    module: { rules },
    resolve,
    plugins: [...(browser ? [browserImportWs] : []), new FinalNewlinePlugin()],
  };
}

module.exports = (env = {}, argv = {}) => {
  const mode = argv.mode || "production";
  const browserLive = [esm("live", mode, true), cjs("live", mode, true)];
  return Object.keys(entries).flatMap((key) => [umd(key, mode), esm(key, mode), cjs(key, mode)]).concat(browserLive);
};
