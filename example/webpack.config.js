// Builds the Tasks example: example/src/main.ts → example/dist/app.js, plus
// index.html and app.css copied next to it. `atmos2` resolves to the library
// source, so the example always runs against the code in this repository.
"use strict";
const fs = require("fs");
const path = require("path");
const webpack = require("webpack");

const here = __dirname;

/**
 * Copies the page and its stylesheet into the output. A few lines instead of
 * html-webpack-plugin/copy-webpack-plugin, so the example needs no extra
 * dependency. `?v=[hash]` in index.html busts browser caches after a rebuild.
 */
class StaticFilesPlugin {
  constructor(files) {
    this.files = files; // { outputName: sourcePath }
  }

  apply(compiler) {
    compiler.hooks.thisCompilation.tap("StaticFilesPlugin", (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: "StaticFilesPlugin", stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          for (const [name, source] of Object.entries(this.files)) {
            compilation.fileDependencies.add(source);
            let text;
            try {
              text = fs.readFileSync(source, "utf8");
            } catch (error) {
              compilation.errors.push(new webpack.WebpackError(`example: cannot read ${source} for ${name}: ${error.message}`));
              continue;
            }
            if (name.endsWith(".html") || name === "sw.js") text = text.replace(/\[hash\]/g, compilation.hash || String(Date.now()));
            compilation.emitAsset(name, new webpack.sources.RawSource(text));
          }
        },
      );
    });
  }
}

module.exports = (env = {}, argv = {}) => ({
  mode: argv.mode || "development",
  context: here,
  entry: path.join(here, "src/main.ts"),
  output: {
    path: path.join(here, "dist"),
    filename: "app.js",
    clean: true,
  },
  devtool: argv.mode === "production" ? false : "source-map",
  resolve: {
    extensions: [".ts", ".js"],
    alias: {
      atmos2$: path.resolve(here, "../lib/index.ts"),
      "atmos2/live": path.resolve(here, "../lib/live/index.ts"),
      "atmos2/indexeddb": path.resolve(here, "../lib/store/indexeddb-store.ts"),
    },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: "ts-loader",
        options: {
          configFile: path.join(here, "tsconfig.json"),
          // Type checking is `npx tsc --noEmit`'s job; the build stays fast and
          // is not blocked by a type error in a file the example does not use.
          transpileOnly: true,
        },
      },
    ],
  },
  plugins: [
    // A page has a WebSocket: the live client's Node-only import of `ws` is
    // swapped for its browser stand-in, as in dist/atmos2-live.js.
    new webpack.NormalModuleReplacementPlugin(/^\.\/import-ws$/, "./import-ws.browser"),
    new StaticFilesPlugin({
      "index.html": path.join(here, "index.html"),
      "app.css": path.join(here, "src/app.css"),
      "task-rows.css": path.join(here, "src/task-rows.css"),
      "narrow.css": path.join(here, "src/narrow.css"),
      "sync-panel.css": path.join(here, "src/sync-panel.css"),
      "sign-in.css": path.join(here, "src/sign-in.css"),
      "undo-toast.css": path.join(here, "src/undo-toast.css"),
      // Plain JavaScript, copied as is: a worker's types (lib "webworker") clash with the page's ("dom").
      "sw.js": path.join(here, "src/sw.js"),
    }),
  ],
  performance: { hints: false },
  stats: "errors-warnings",
});
