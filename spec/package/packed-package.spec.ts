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

    it("ships the live client's and IndexedDB store's Node and bundler files without a copy of the core's outbox", () => {
      // These files are not minified, so webpack's ";// ./lib/..." module headers say what each one carries.
      const outbox = ["lib/atmos.ts", "lib/sync/pusher.ts", "lib/sync/puller.ts", "lib/sync/revert.ts",
        "lib/sync/outbox-exchange.ts", "lib/sync/parent-order.ts", "lib/sync/resource-client.ts"];
      const modulesIn = (file: string) => Array.from(
        fs.readFileSync(path.join(app.dir, "node_modules", "atmos2", "dist", file), "utf8").matchAll(/^;\/\/ \.\/(lib\/[\w/.-]+\.ts)$/gm),
        (m) => m[1]);
      expect(modulesIn("atmos2.cjs"), "the core's own file names its outbox modules").to.include.members(outbox);
      const parts = ["atmos2-live.cjs", "atmos2-live.mjs", "atmos2-live.browser.cjs", "atmos2-live.browser.mjs",
        "atmos2-indexeddb.cjs", "atmos2-indexeddb.mjs"];
      const copies = parts.flatMap((file) => modulesIn(file).filter((m) => outbox.includes(m)).map((m) => `${file}: ${m}`));
      expect(copies).to.deep.equal([]);
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

    // Found by a migrating user (CoffeeScript models kept as CommonJS, a new ES module entry):
    // two copies, and saves made through one were never sent by the other's Atmos.
    it("gives one copy to a Node app that imports atmos2 in one file and requires it in another", async () => {
      const result = await app.node(`
        import Atmos from "atmos2";
        import { IndexedDBStore } from "atmos2/indexeddb";
        import { createRequire } from "module";
        const require = createRequire(import.meta.url);
        const Required = require("atmos2");
        require("atmos2/live");
        const items = new Map();
        const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, String(v)), removeItem: (k) => void items.delete(k), key: (i) => [...items.keys()][i] ?? null, get length() { return items.size; } };
        const atmos = new Atmos({ storage });
        console.log(JSON.stringify({ same: Atmos === Required, instance: Required.instance === atmos, live: typeof atmos.live.connect, idb: IndexedDBStore === require("atmos2/indexeddb").IndexedDBStore }));
        atmos.close();
      `, "mjs");
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ same: true, instance: true, live: "function", idb: true });
    });

    it("warns at once when two copies load on one Spine (a bundle's ES module and CommonJS files)", async () => {
      const result = await app.node(`
        await import("atmos2/dist/atmos2.js");
        const { createRequire } = await import("module");
        const require = createRequire(import.meta.url);
        require("./node_modules/atmos2/dist/atmos2.cjs");
        console.log("loaded");
      `, "mjs");
      expect(result.stdout.trim()).to.equal("loaded");
      expect(result.stderr.trim()).to.match(/^atmos2: loaded twice on one Spine \(as an ES module and as CommonJS, .*\): each copy keeps its own models and Atmos, and models extended from now on use this one\. Load it one way everywhere$/);
    });

    // Found by a bundler review: only webpack reads the webpackIgnore comment on the Node
    // files' import("ws"); Rollup bundled all of ws and the page died on Node's built-ins.
    it("bundles atmos2/live for a browser with nothing of ws in it", async () => {
      const esbuild = require(path.join(root, "node_modules", "esbuild")) as typeof import("esbuild");
      for (const contents of ['import "atmos2/live";', 'require("atmos2/live");']) {
        const out = await esbuild.build({ stdin: { contents, resolveDir: app.dir }, bundle: true, write: false, platform: "browser", external: ["spine"], logLevel: "silent" });
        const text = out.outputFiles[0].text;
        expect(text, contents).to.not.match(/import\(\s*(\/\*[^*]*\*\/\s*)?"ws"\)|require\("ws"\)|ws does not work in the browser/);
        expect(text, contents).to.contain("authenticating");
      }
    });

    // Found by a bundler review: Browserify (and Parcel without packageExports) read no exports map.
    it("gives atmos2/live and atmos2/indexeddb to a tool without exports maps, sharing the core that main gives", async () => {
      const result = await app.node(`
        const path = require("path");
        const pkg = path.join(process.cwd(), "node_modules", "atmos2");
        // By folder, as a tool that reads main and no exports map resolves them.
        const Atmos = require(pkg);
        require(path.join(pkg, "live"));
        const { IndexedDBStore } = require(path.join(pkg, "indexeddb"));
        const items = new Map();
        const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, String(v)), removeItem: (k) => void items.delete(k), key: (i) => [...items.keys()][i] ?? null, get length() { return items.size; } };
        const atmos = new Atmos({ storage });
        console.log(JSON.stringify({ live: typeof atmos.live.connect, idb: typeof IndexedDBStore }));
        atmos.close();
      `);
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ live: "function", idb: "function" });
    });

    // API.md: package.json has main, module (ESM), types and an exports map.
    // Tools that read no exports map but do read module (webpack 4, Parcel
    // without packageExports) resolve require() with it too, and an ES
    // module's namespace is no class: `browser` (read before module by those
    // tools, as by Browserify) gives them what main gives, one copy.
    it("names main, module (an ES module of the class) and types, and a browser field that is main's file", async () => {
      const result = await app.node(`
        const path = require("path");
        const { pathToFileURL } = require("url");
        const pkg = path.join(process.cwd(), "node_modules", "atmos2");
        const manifest = require(path.join(pkg, "package.json"));
        import(pathToFileURL(path.join(pkg, manifest.module)).href).then((esm) => {
          console.log(JSON.stringify({ main: manifest.main, browser: manifest.browser, types: manifest.types, module: manifest.module, default: typeof esm.default, named: esm.Atmos === esm.default, registered: typeof require("spine").Model.Atmosphere }));
        });
      `);
      expect(result.stderr).to.equal("");
      expect(JSON.parse(result.stdout)).to.deep.equal({ main: "index.js", browser: "index.js", types: "dist/types/atmos2.d.cts", module: "dist/atmos2.mjs", default: "function", named: true, registered: "object" });
    });

    it("gives the live server to require and to import from atmos2/server", async () => {
      const names = ["createLiveServer", "memoryStore", "sqliteStore", "redisStore", "tokenListAuthenticator", "capConnectionsPerAddress", "Backend", "LiveHub", "GuessWindow", "guessSource"];
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
      const expected = Object.values(paths);
      // The bundles' class names are minified: tell them apart by what they carry.
      const what = `(m) => (m && m.Atmos === m ? "Atmos" : typeof m?.prototype?.connect == "function" ? "LiveClient" : typeof m?.prototype?.entries == "function" ? "IndexedDBStore" : typeof m)`;

      // Each in a process of its own, as an app loads one of them: two cores on one Spine refuse to load.
      it("loads each with require", async () => {
        const out: string[] = [];
        for (const p of Object.keys(paths)) {
          const result = await app.node(`const what = ${what}; try { console.log(what(require(${JSON.stringify(p)}))); } catch (e) { console.log(e.code || e.message); }`);
          expect(result.stderr, p).to.equal("");
          out.push(result.stdout.trim());
        }
        expect(out).to.deep.equal(expected);
      });

      it("loads each with import", async () => {
        const out: string[] = [];
        for (const p of Object.keys(paths)) {
          const result = await app.node(`const what = ${what}; try { console.log(what((await import(${JSON.stringify(p)})).default)); } catch (e) { console.log(e.code || e.message); }`, "mjs");
          expect(result.stderr, p).to.equal("");
          out.push(result.stdout.trim());
        }
        expect(out).to.deep.equal(expected);
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
