// The ES5 builds: dist/atmos2.es5.js, dist/atmos2-live.es5.js and
// dist/atmos2-indexeddb.es5.js (one per UMD build), for toolchains whose parsers and
// minifiers read only ES5: Hem (Spine's bundler), the Rails asset pipeline
// (uglifier), plain <script> tags in old pages. Each is the matching UMD build
// of webpack.config.js (same entry, same global `Atmos`, same
// `require("spine")`), with Babel turning the TypeScript output into ES5.
//
// Why not TypeScript's own ES5 target: its `__generator` helper (and Babel's
// regenerator helper alike) holds `y["throw"] || ((t = y["return"]) &&
// t.call(y), 0)` inside a conditional. Hem's dependency walker
// (fast-detective → burrito → uglify-js 1.1) parses every module, prints it
// back and parses the print again; that printer drops the parentheses around
// an assignment or a comma expression that is an operand of `&&`/`||`, so the
// second parse fails ("Unexpected token punc, expected punc"). So async
// functions become plain promise chains (transform-async-to-promises, no
// generator state machine), generators are not allowed in lib/ (the build
// keeps `function*` as is and the ES5 check fails), and getters in object
// literals (which that printer cannot print either) become defineProperty.
// tools/es5-output-plugin.js then reprints the minified bundle for that
// printer, checks it is ES5 and ends it with a newline; no source map comment.
//
// Runtime: the output is ES5 syntax but calls the built-ins lib/ uses (Promise,
// fetch, Map, Set, WeakMap, Symbol.iterator, Object.assign/entries,
// Array.from/includes/flatMap, globalThis, queueMicrotask...): every browser
// since 2020 has them; the README says what an older one loads first.
const base = require("./webpack.config.js");
const { Es5OutputPlugin } = require("./tools/es5-output-plugin");

/** Babel after ts-loader: ES2020 from TypeScript in, ES5 out. */
const babel = {
  loader: "babel-loader",
  options: {
    babelrc: false,
    configFile: false,
    presets: [
      [
        "@babel/preset-env",
        {
          targets: "ie 11", // the syntax level only: ES5
          modules: false, // webpack keeps hoisting the ES modules
          exclude: ["transform-regenerator", "transform-async-to-generator"],
        },
      ],
    ],
    plugins: [
      "@babel/plugin-transform-property-mutators",
      ["babel-plugin-transform-async-to-promises", { externalHelpers: true }],
      // One copy of each helper in the bundle, not one per file.
      ["@babel/plugin-transform-runtime", { regenerator: false, corejs: false }],
    ],
  },
};

/** The same rule with Babel run on what its loader emits. */
function withBabel(rule) {
  const use = rule.use ? [].concat(rule.use) : [{ loader: rule.loader, options: rule.options }];
  const { loader, options, ...rest } = rule;
  return { ...rest, use: [babel, ...use] };
}

/**
 * The optional parts (live, indexeddb) take the core from `require("./atmos2.js")`
 * under CommonJS; their ES5 builds take the ES5 core instead, named without
 * the extension because Hem registers modules without one.
 */
function toEs5Core(value) {
  if (typeof value === "string") return value.replace(/^(\.\/[\w.-]+?)(\.es5)?\.js$/, "$1.es5");
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, toEs5Core(v)]));
  }
  return value;
}

function es5Externals(externals) {
  return [].concat(externals || []).map((external) =>
    typeof external === "function"
      ? (data, callback) => external(data, (error, result, type) => callback(error, toEs5Core(result), type))
      : external);
}

// Terser, told to write ES5 (webpack.config.js lets it write arrows for the
// modern files).
const terserEs5 = { compress: { passes: 3, ecma: 5, pure_getters: true }, mangle: true, format: { comments: false, ecma: 5 } };

const isUmd = (config) => config.output && config.output.library && config.output.library.type === "umd";

module.exports = (env = {}, argv = {}) => {
  const configs = [].concat(typeof base === "function" ? base(env, argv) : base);
  return configs.filter(isUmd).map((config) => ({
    ...config,
    name: `${config.name}-es5`,
    target: ["web", "es5"],
    devtool: false,
    output: {
      ...config.output,
      filename: config.output.filename.replace(/\.js$/, ".es5.js"),
      // `globalThis` is ES2020; `this` at the top of a classic script is the window.
      globalObject: "typeof self !== 'undefined' ? self : this",
    },
    externals: es5Externals(config.externals),
    optimization: { ...config.optimization, minimizeOptions: { javascript: terserEs5 } },
    module: { ...config.module, rules: config.module.rules.map(withBabel) },
    plugins: [...(config.plugins || []), new Es5OutputPlugin()],
  }));
};

