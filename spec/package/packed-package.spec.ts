import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { consumerProject, run, type ConsumerProject } from "./support/consumer-project";

const root = path.resolve(__dirname, "../..");

/** Files the README links to or shows as images by a relative path (`](docs/chart.svg)`). */
function readmeLinks(): string[] {
  const text = fs.readFileSync(path.join(root, "README.md"), "utf8");
  return Array.from(text.matchAll(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g), (m) => m[1].replace(/^\.\//, ""));
}

describe("the packed package, installed in an empty project", function () {
  this.timeout(600_000);
  let app: ConsumerProject;

  before(async () => {
    app = await consumerProject();
    const { filename, entryCount, size, unpackedSize } = app.pack;
    console.log(`      ${filename}: ${entryCount} files, ${(size / 1000).toFixed(1)} kB packed, ${(unpackedSize / 1000).toFixed(1)} kB unpacked`);
  });

  describe("what ships", () => {
    const shipped = () => app.pack.files.map((f) => f.path);

    it("holds the built output, the bin, the types, the README and the LICENSE", () => {
      expect(shipped()).to.include.members([
        "package.json",
        "README.md",
        "LICENSE",
        "bin/atmos2-server.js",
        "dist/atmos2.js",
        "dist/atmos2.mjs",
        "dist/server/server/live/index.js",
        "dist/server/server/live/index.d.ts",
        "dist/server/server/live/cli.js",
      ]);
    });

    it("holds no TypeScript sources, specs, example, benchmarks or Hem manifest", () => {
      const unwanted = shipped().filter((file) =>
        (file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".d.mts") && !file.endsWith(".d.cts")) ||
        /^(lib|server|spec|example|bench)\//.test(file) ||
        (file.startsWith("docs/") && !readmeLinks().includes(file)) ||
        file === "slug.json" ||
        file.startsWith("tsconfig"));
      expect(unwanted).to.deep.equal([]);
    });

    it("holds every file the README links to or shows, so the README reads whole on the registry", () => {
      expect(readmeLinks().length).to.be.greaterThan(0);
      expect(shipped()).to.include.members(readmeLinks());
    });

    it("declares ws as its only dependency, spine as a peer and redis and better-sqlite3 as optional peers", async () => {
      const manifest = JSON.parse((await app.node(`process.stdout.write(JSON.stringify(require("atmos2/package.json")))`)).stdout);
      expect(Object.keys(manifest.dependencies)).to.deep.equal(["ws"]);
      expect(manifest.peerDependencies.spine).to.equal(">=1.2.2 <1.7");
      expect(manifest.peerDependenciesMeta).to.deep.equal({ redis: { optional: true }, "better-sqlite3": { optional: true } });
      expect(manifest.scripts.prepack).to.equal("npm run build");
    });
  });

  describe("loading it", () => {
    it("gives the class to require, also as .default, and registers Spine.Model.Atmosphere", async () => {
      const result = await app.node(`
        const Atmos = require("atmos2");
        const Spine = require("spine");
        console.log(JSON.stringify({ type: typeof Atmos, same: Atmos.default === Atmos, named: Atmos.Atmos === Atmos, mixin: typeof Spine.Model.Atmosphere }));
      `);
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ type: "function", same: true, named: true, mixin: "object" });
    });

    it("registers Spine.Model.Atmosphere on globalThis.Spine when the spine package is not installed (require)", async () => {
      // A project where Spine is a script run into the global scope, as a page loads it.
      const dir = path.join(path.dirname(app.dir), "global-spine");
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(path.join(app.dir, "node_modules", "atmos2"), path.join(dir, "node_modules", "atmos2"), { recursive: true, dereference: true });
      fs.copyFileSync(path.join(app.dir, "node_modules", "spine", "lib", "spine.js"), path.join(dir, "spine.js"));
      const source = `
        require("vm").runInThisContext(require("fs").readFileSync("./spine.js", "utf8"));
        const Atmos = require("atmos2");
        console.log(JSON.stringify({ type: typeof Atmos, mixin: typeof globalThis.Spine.Model.Atmosphere }));
      `;
      const result = await app.run("node", ["-e", source], { cwd: dir });
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ type: "function", mixin: "object" });
    });

    it("gives the class to import, as the default and by name", async () => {
      const result = await app.node(`
        import Atmos, { Atmos as Named } from "atmos2";
        import Spine from "spine";
        console.log(JSON.stringify({ type: typeof Atmos, same: Atmos === Named, mixin: typeof Spine.Model.Atmosphere }));
      `, "mjs");
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ type: "function", same: true, mixin: "object" });
    });

    it("gives the live server to require and to import from atmos2/server", async () => {
      const names = ["createLiveServer", "memoryStore", "sqliteStore", "redisStore", "tokenListAuthenticator", "capConnectionsPerAddress", "Backend", "LiveHub"];
      const cjs = await app.node(`const s = require("atmos2/server"); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof s[n])))`);
      const esm = await app.node(`import * as s from "atmos2/server"; console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof s[n])))`, "mjs");
      expect(cjs.stderr + esm.stderr).to.equal("");
      expect(JSON.parse(cjs.stdout)).to.deep.equal(names.map(() => "function"));
      expect(JSON.parse(esm.stdout)).to.deep.equal(names.map(() => "function"));
    });

    describe("by the dist paths the README shows (Hem's slug.json, UMD and ES5 files)", () => {
      // What each path gives under CommonJS: the UMD module's export.
      const paths: Record<string, string> = {
        "atmos2/dist/atmos2.es5": "Atmos",
        "atmos2/dist/atmos2.es5.js": "Atmos",
        "atmos2/dist/atmos2.js": "Atmos",
        "atmos2/dist/atmos2-live.es5": "LiveClient",
        "atmos2/dist/atmos2-live.es5.js": "LiveClient",
        "atmos2/dist/atmos2-live.js": "LiveClient",
        "atmos2/dist/atmos2-indexeddb.es5": "IndexedDBStore",
        "atmos2/dist/atmos2-indexeddb.es5.js": "IndexedDBStore",
        "atmos2/dist/atmos2-indexeddb.js": "IndexedDBStore",
      };
      const names = JSON.stringify(Object.keys(paths));
      const expected = Object.values(paths);
      // The bundles' class names are minified: tell them apart by what they carry.
      const what = `(m) => (m && m.Atmos === m ? "Atmos" : typeof m?.prototype?.connect == "function" ? "LiveClient" : typeof m?.prototype?.entries == "function" ? "IndexedDBStore" : typeof m)`;

      it("loads each with require", async () => {
        const result = await app.node(`const what = ${what}; console.log(JSON.stringify(${names}.map((p) => { try { return what(require(p)); } catch (e) { return e.code || e.message; } })))`);
        expect(result.stderr).to.equal("");
        expect(JSON.parse(result.stdout)).to.deep.equal(expected);
      });

      it("loads each with import", async () => {
        const result = await app.node(`const what = ${what}; const out = []; for (const p of ${names}) { try { out.push(what((await import(p)).default)); } catch (e) { out.push(e.code || e.message); } } console.log(JSON.stringify(out));`, "mjs");
        expect(result.stderr).to.equal("");
        expect(JSON.parse(result.stdout)).to.deep.equal(expected);
      });

      it("bundles each with esbuild", async () => {
        const esbuild = require(path.join(root, "node_modules", "esbuild")) as typeof import("esbuild");
        const failures: string[] = [];
        for (const specifier of Object.keys(paths)) {
          const result = await esbuild
            .build({ stdin: { contents: `require(${JSON.stringify(specifier)});`, resolveDir: app.dir }, bundle: true, write: false, external: ["spine"], logLevel: "silent" })
            .then(() => "", (error: { errors?: { text: string }[] }) => `${specifier}: ${error.errors?.map((e) => e.text).join("; ")}`);
          if (result) failures.push(result);
        }
        expect(failures).to.deep.equal([]);
      });
    });

    it("loads the live server without redis or better-sqlite3, and names the package to install when an option needs one", async () => {
      const result = await app.node(`
        const { createLiveServer, sqliteStore, redisStore } = require("atmos2/server");
        const http = require("http");
        const live = createLiveServer({ server: http.createServer(), authenticate: () => null });
        const messages = [];
        try { sqliteStore({ file: ":memory:" }); } catch (error) { messages.push(error.message); }
        try { createLiveServer({ authenticate: () => null, redisUrl: "redis://127.0.0.1:6379" }); } catch (error) { messages.push(error.message); }
        try { redisStore({ url: "redis://127.0.0.1:6379" }); } catch (error) { messages.push(error.message); }
        live.close().then(() => console.log(JSON.stringify(messages)));
      `);
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal([
        'atmos2-server: sqliteStore() is used but the optional package "better-sqlite3" is not installed; run npm install better-sqlite3',
        'atmos2-server: redisUrl (REDIS_URL) is set but the optional package "redis" is not installed; run npm install redis',
        'atmos2-server: redisStore() is used but the optional package "redis" is not installed; run npm install redis',
      ]);
    });
  });

  it("has types that match the runtime in every resolution mode (arethetypeswrong)", async () => {
    const attw = path.join(root, "node_modules", ".bin", "attw");
    const result = await run(attw, [app.tarball, "--format", "ascii"], { timeoutMs: 300_000 });
    const report = result.stdout + result.stderr;
    console.log(report.split("\n").map((line) => `      ${line}`).join("\n"));
    expect(result.code, report).to.equal(0);
    expect(report).to.include("No problems found");
  });
});
