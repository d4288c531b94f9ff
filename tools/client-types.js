// Completes the client's declarations after `tsc -p tsconfig.build.json`
// wrote dist/types/lib/**/*.d.ts, so that every entry has types that match
// its JavaScript under node16/nodenext (ES module and CommonJS) and bundler
// resolution:
//
//   dist/types/lib/**/*.d.ts    CommonJS view (the package has no "type"), as tsc wrote it
//   dist/types/lib/**/*.d.mts   ES module view: the same text with explicit
//                               ".mjs" specifiers (ESM resolution adds no extensions)
//   dist/types/atmos2.d.cts     `require("atmos2")`: the Atmos class itself, with the
//                               named exports and `.default` on it (`export =`)
//   dist/atmos2*.d.ts           the UMD and ES5 files (`atmos2/dist/atmos2-live.es5`
//                               in a Hem slug.json): next to them, so that resolution
//                               without an exports map finds them too
//   dist/types/atmos2-umd.d.cts the core UMD file imported from an ES module: Node
//                               sees only module.exports there (the class), so the
//                               named exports are left out (they come from "atmos2")
//
// The Spine typings stay in types/spine.d.ts at the package root: tsc points
// index.d.ts's `/// <reference path>` there.
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const root = path.resolve(__dirname, "..");
const types = path.join(root, "dist", "types");
const lib = path.join(types, "lib");

function declarationFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(file);
    return entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

/** "./atmos" → "./atmos.mjs", "./live" (a folder) → "./live/index.mjs". */
function esmSpecifier(fromFile, specifier) {
  if (!specifier.startsWith(".")) return specifier;
  const target = path.resolve(path.dirname(fromFile), specifier);
  if (fs.existsSync(`${target}.d.ts`)) return `${specifier}.mjs`;
  if (fs.existsSync(path.join(target, "index.d.ts"))) return `${specifier.replace(/\/$/, "")}/index.mjs`;
  throw new Error(`tools/client-types.js: ${path.relative(root, fromFile)} imports ${specifier}, which has no declaration file`);
}

function writeEsmViews(files) {
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const esm = text
      .replace(/(\bfrom\s+["'])(\.[^"']*)(["'])/g, (_, head, spec, tail) => head + esmSpecifier(file, spec) + tail)
      .replace(/(\bimport\s*\(\s*["'])(\.[^"']*)(["']\s*\))/g, (_, head, spec, tail) => head + esmSpecifier(file, spec) + tail)
      .replace(/(^|\n)(import\s+["'])(\.[^"']*)(["'])/g, (_, nl, head, spec, tail) => nl + head + esmSpecifier(file, spec) + tail);
    fs.writeFileSync(file.replace(/\.d\.ts$/, ".d.mts"), esm);
  }
}

/**
 * The exports of lib/index.ts as tsc declared them (without `default`): a
 * value (class, function, const) becomes `export import X = api.X`, which
 * carries its type too; a type-only export (`export type { ... }`) cannot be
 * aliased that way and becomes `export type X<...> = api.X<...>`.
 */
function coreMembers() {
  const entry = path.join(lib, "index.d.ts");
  const program = ts.createProgram([entry], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  return checker
    .getExportsOfModule(symbol)
    .filter((s) => s.name !== "default")
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => {
      const specifier = (s.declarations || []).find(ts.isExportSpecifier);
      const typeOnly = specifier && (specifier.isTypeOnly || specifier.parent.parent.isTypeOnly);
      if (!typeOnly) return `  export import ${s.name} = api.${s.name};`;
      const target = checker.getAliasedSymbol(s);
      const declaration = (target.declarations || []).find((d) => d.typeParameters);
      if (!declaration) return `  export type ${s.name} = api.${s.name};`;
      const params = declaration.typeParameters.map((p) => p.getText()).join(", ");
      const args = declaration.typeParameters.map((p) => p.name.text).join(", ");
      return `  export type ${s.name}<${params}> = api.${s.name}<${args}>;`;
    });
}

function writeCommonJsCore() {
  const text = `// \`require("atmos2")\` is the Atmos class, with every named export and \`.default\` on it.
import * as api from "./lib/index";
declare class Atmos extends api.Atmos {
  static readonly default: typeof api.Atmos;
}
declare namespace Atmos {
${coreMembers().join("\n")}
}
export = Atmos;
`;
  fs.writeFileSync(path.join(types, "atmos2.d.cts"), text);
}

/**
 * A UMD file that exports a class with the class also under its own name
 * (lib/live/index.ts, lib/store/indexeddb-store.ts), typed as both, so that
 * `import { IndexedDBStore } from "atmos2/indexeddb"` compiles where the
 * subpath resolves without an exports map (node10). Not for the dist files
 * themselves: an ES module in Node sees no named export in a UMD file.
 */
function classWithItsName(name, from) {
  return [
    `import { ${name} as Exported } from "${from}";`,
    `declare class ${name} extends Exported {}`,
    `declare namespace ${name} {`,
    `  const ${name}: typeof Exported;`,
    `  type ${name} = Exported;`,
    `}`,
    `export = ${name};`,
  ].join("\n");
}

/**
 * The UMD files as CommonJS modules: each is what its webpack `export` picks
 * (the Atmos class; the LiveClient, which also adds `atmos.live`; the
 * IndexedDBStore), with the same types for the ES5 file of each.
 */
/** The optional parts' UMD files: the class each exports, and its declarations. */
const optionalParts = { "atmos2-live": ["LiveClient", "./types/lib/live/index"], "atmos2-indexeddb": ["IndexedDBStore", "./types/lib/store/indexeddb-store"] };

function writeUmdTypes() {
  const umd = { atmos2: `import Atmos = require("./types/atmos2.cjs");\nexport = Atmos;` };
  for (const [name, [className, from]] of Object.entries(optionalParts)) umd[name] = `import { ${className} } from "${from}";\nexport = ${className};`;
  for (const [name, text] of Object.entries(umd)) {
    for (const file of [`${name}.d.ts`, `${name}.es5.d.ts`]) {
      fs.writeFileSync(path.join(root, "dist", file), `// dist/${file.replace(".d.ts", ".js")} under CommonJS (tools/client-types.js).\n${text}\n`);
    }
  }
  // The subpath folders' package.json (live/, indexeddb/), read where there is no exports map.
  for (const [name, [className, from]] of Object.entries(optionalParts)) {
    const header = `// "${name.replace("atmos2-", "atmos2/")}" resolved without an exports map (TypeScript's node10, old bundlers): the ES5 file (tools/client-types.js).`;
    fs.writeFileSync(path.join(root, "dist", `${name}.entry.d.ts`), `${header}\n${classWithItsName(className, from)}\n`);
  }
  const esmView = `// \`import Atmos from "atmos2/dist/atmos2.js"\` (or atmos2.es5) in an ES module: Node
// sees only module.exports, the class; import the named exports from "atmos2".
import type { Atmos } from "./lib/index";
declare const Umd: { new (...args: ConstructorParameters<typeof Atmos>): Atmos; readonly prototype: Atmos };
export = Umd;
`;
  fs.writeFileSync(path.join(types, "atmos2-umd.d.cts"), esmView);
}

const files = declarationFiles(lib);
if (!files.some((file) => file === path.join(lib, "index.d.ts"))) {
  throw new Error("tools/client-types.js: dist/types/lib/index.d.ts is missing; run tsc -p tsconfig.build.json first");
}
writeEsmViews(files);
writeCommonJsCore();
writeUmdTypes();
