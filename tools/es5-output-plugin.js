// Last step of the ES5 builds (webpack.es5.config.js), after minification:
// prints each bundle the way Hem's dependency walker can read it back, checks
// that it is ES5, and ends it with a newline.
//
// Hem finds `require()` calls with fast-detective, which parses a module with
// uglify-js 1.1, prints it and parses the print again. That printer writes a
// loop whose body is an empty statement (`for (;;i++);`, as minifiers and
// Babel's own helpers write them) with no body at all, and the second parse
// fails ("Unexpected token: punc (})"). An empty block `{}` prints fine.
//
// A file that ends in a comment and no newline breaks any tool that wraps
// files in `function (exports, require, module) { … }`, as Hem does: the
// closing brace lands in the comment. So the output always ends with "\n".
"use strict";
const acorn = require("acorn");
const babel = require("@babel/core");

/** Babel plugin: loop and `if` bodies that are `;` become `{}`. */
function emptyBodiesAsBlocks({ types: t }) {
  const fix = (path) => {
    for (const key of ["body", "consequent", "alternate"]) {
      const node = path.node[key];
      if (node && node.type === "EmptyStatement") path.node[key] = t.blockStatement([]);
    }
  };
  return { visitor: { "ForStatement|ForInStatement|WhileStatement|DoWhileStatement|IfStatement|LabeledStatement": fix } };
}

/** Reprints minified code with empty bodies as blocks (still minified). */
function reprint(code) {
  const out = babel.transformSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: "script",
    minified: true,
    shouldPrintComment: (comment) => /^!|@license|@preserve/.test(comment),
    plugins: [emptyBodiesAsBlocks],
  });
  return out.code;
}

/** Throws, naming the file and the spot, unless `code` parses as ES5. */
function assertEs5(name, code) {
  try {
    acorn.parse(code, { ecmaVersion: 5, sourceType: "script" });
  } catch (error) {
    const at = typeof error.pos === "number" ? code.slice(Math.max(0, error.pos - 80), error.pos + 40) : "";
    throw new Error(`${name} is not ES5 (${error.message}) near: ${at}\n` +
      "Something in lib/ (or a helper) needs a transform the ES5 build lacks: see webpack.es5.config.js.");
  }
}

class Es5OutputPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap("Es5OutputPlugin", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "Es5OutputPlugin", stage: Compilation.PROCESS_ASSETS_STAGE_REPORT }, (assets) => {
        for (const [name, asset] of Object.entries(assets)) {
          if (!name.endsWith(".js")) continue;
          let code = asset.source().toString();
          try {
            assertEs5(name, code);
            code = reprint(code);
          } catch (error) {
            compilation.errors.push(error);
            continue;
          }
          compilation.updateAsset(name, new sources.RawSource(code.endsWith("\n") ? code : code + "\n"));
        }
      });
    });
  }
}

module.exports = { Es5OutputPlugin, emptyBodiesAsBlocks };
