// Writes the ES module files Node loads (package.json's "node" condition):
// dist/atmos2.node.mjs, dist/atmos2-live.node.mjs, dist/atmos2-indexeddb.node.mjs.
// Each is the CommonJS build itself, re-exported, so an app that imports
// atmos2 in one file and requires it in another (CoffeeScript models kept
// as CommonJS next to a new ES module entry) has one copy: one registry of
// models, one Atmos.instance, one Spine.Model.Atmosphere. The names exported
// are those of the ES module build (dist/*.mjs), which bundlers keep using.
"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const dist = path.resolve(__dirname, "..", "dist");
const entries = ["atmos2", "atmos2-live", "atmos2-indexeddb"];

async function main() {
  for (const name of entries) {
    const names = Object.keys(await import(pathToFileURL(path.join(dist, `${name}.mjs`)).href)).filter((key) => key !== "default").sort();
    const hasDefault = "default" in (await import(pathToFileURL(path.join(dist, `${name}.mjs`)).href));
    const lines = [
      `// Node's ES module entry: the CommonJS build, re-exported (written by tools/node-esm-wrappers.js),`,
      `// so import and require share one copy.`,
      `import cjs from "./${name}.cjs";`,
      ...(hasDefault ? [`export default cjs;`] : []),
      `export const { ${names.join(", ")} } = cjs;`,
      "",
    ];
    fs.writeFileSync(path.join(dist, `${name}.node.mjs`), lines.join("\n"));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
