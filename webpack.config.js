// Builds the library: a UMD bundle (dist/atmos2.js, global `Atmos`) and an
// ES module bundle (dist/atmos2.mjs). Spine stays external in both: the app
// brings its own Spine, and atmos2 registers itself on it.
const path = require("path");

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

module.exports = (env = {}, argv = {}) => {
  const mode = argv.mode || "production";
  return [
    {
      name: "umd",
      mode,
      entry: "./lib/umd.ts",
      devtool: "source-map",
      output: {
        path: path.resolve(__dirname, "dist"),
        filename: "atmos2.js",
        library: { name: "Atmos", type: "umd", export: "default" },
        globalObject: "globalThis",
      },
      externals: { spine: { commonjs: "spine", commonjs2: "spine", amd: "spine", root: "Spine" } },
      module: { rules },
      resolve,
    },
    {
      name: "esm",
      mode,
      entry: "./lib/index.ts",
      devtool: "source-map",
      experiments: { outputModule: true },
      output: { path: path.resolve(__dirname, "dist"), filename: "atmos2.mjs", library: { type: "module" } },
      externalsType: "module",
      externals: { spine: "spine" },
      module: { rules },
      resolve,
    },
  ];
};
