import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import vm from "node:vm";
import * as acorn from "acorn";
import { expect } from "chai";
import { listen, shutdown } from "../servers/listen";
import { es5Build, type Es5Build } from "./support/es5-build";

// uglify-js 2 (what Hem's --compress and Rails' uglifier of that era run) and
// Hem's own dependency walker, found where Hem installed it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const uglify2 = require("uglify-js") as { minify(code: string, options: { fromString: boolean }): { code: string } };
const hemDir = path.dirname(require.resolve("hem/package.json"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const detective = require(require.resolve("fast-detective", { paths: [hemDir] })) as (code: string) => string[];

const spineSource = fs.readFileSync(require.resolve("spine/lib/spine.js"), "utf8");

describe("the ES5 build (webpack.es5.config.js)", function () {
  this.timeout(600_000);
  let build: Es5Build;
  const read = (file: string) => fs.readFileSync(path.join(build.dir, file), "utf8");

  before(async () => {
    build = await es5Build();
    for (const file of build.files) console.log(`      ${file}: ${(fs.statSync(path.join(build.dir, file)).size / 1000).toFixed(1)} kB`);
  });

  it("makes dist/atmos2.es5.js next to the ES5 version of every other UMD build", () => {
    expect(build.files).to.include("atmos2.es5.js");
    expect(build.files.every((f) => f.endsWith(".es5.js"))).to.equal(true);
  });

  it("parses with acorn set to ECMAScript 5", () => {
    for (const file of build.files) {
      expect(() => acorn.parse(read(file), { ecmaVersion: 5, sourceType: "script" }), file).not.to.throw();
    }
  });

  it("is parsed and minified by uglify-js 2", () => {
    for (const file of build.files) {
      const { code } = uglify2.minify(read(file), { fromString: true });
      expect(code.length, file).to.be.greaterThan(1000);
    }
  });

  it("is read by Hem's dependency walker: the core requires spine, the optional parts the ES5 core", () => {
    for (const file of build.files) {
      const required = detective(read(file));
      if (file === "atmos2.es5.js") expect(required, file).to.include("spine");
      // The parts that need the core take the ES5 one, named without an
      // extension (Hem registers modules without one).
      else expect(required.filter((r) => r.startsWith(".")), file).to.satisfy((r: string[]) => r.every((name) => name === "./atmos2.es5"));
    }
    expect(detective(read("atmos2-live.es5.js"))).to.include("./atmos2.es5");
  });

  it("ends with a newline and carries no source map comment", () => {
    for (const file of build.files) {
      const code = read(file);
      expect(code.endsWith("\n"), file).to.equal(true);
      expect(code, file).not.to.match(/sourceMappingURL/);
    }
  });

  it("defines the global Atmos when loaded as a classic script after spine.js", () => {
    const page = vm.createContext({ console });
    vm.runInContext(spineSource, page);
    vm.runInContext(read("atmos2.es5.js"), page);
    expect(vm.runInContext("typeof Atmos + ' ' + typeof Atmos.Atmosphere + ' ' + typeof Spine.Model.Atmosphere", page)).to.equal("function object object");
  });

  /** A page (a vm context) with spine.js and the given ES5 files run in it as classic scripts. */
  function es5Page(files: string[], globals: Record<string, unknown> = {}): vm.Context {
    const page = vm.createContext({ console, setTimeout, clearTimeout, queueMicrotask, ...globals });
    vm.runInContext(spineSource, page);
    for (const file of files) vm.runInContext(read(file), page);
    return page;
  }

  // The async-to-promises transform runs a loop that awaits as a "Pact", a
  // thenable with no catch(): it must never reach the app.
  it("returns a Promise from execute() while a Retry-After holds the origin, as from every other call", async () => {
    let answered = 0;
    const server = http.createServer((_req, res) => {
      if (answered++ === 0) res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" }).end("{}");
      else res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
    });
    const url = await listen(server);
    try {
      const page = es5Page(["atmos2.es5.js"], { fetch, Headers, Response, URL, URLSearchParams, AbortController });
      const result = await vm.runInContext(
        `(function () {
          var data = {};
          var storage = { length: 0, key: function () { return null; }, getItem: function (k) { return k in data ? data[k] : null; }, setItem: function (k, v) { data[k] = String(v); }, removeItem: function (k) { delete data[k]; } };
          var atmos = new Atmos({ storage: storage });
          atmos.resourceClient.base = ${JSON.stringify(url)};
          return atmos.resourceClient.execute({ path: "/first" }).catch(function () {
            var during = atmos.resourceClient.execute({ path: "/second" });
            var kind = (during instanceof Promise) + " " + typeof during.catch;
            return during.then(function (body) { atmos.close(); return kind + " " + JSON.stringify(body); });
          });
        })()`,
        page,
      );
      expect(result).to.equal('true function {"ok":true}');
    } finally {
      await shutdown(server);
    }
  });

  // The async-to-promises transform of the ES5 build once turned `a ?? (await b)` inside out.
  it("reads a Web Storage store when the Atmos is made, and an asynchronous store once it answers, as the modern build does", async () => {
    const page = es5Page(["atmos2.es5.js"]);
    const stored = JSON.stringify({ className: "Note", id: "n1", attrs: { id: "n1", title: "kept" }, acked: true, queue: [] });
    const result = await vm.runInContext(
      `(function () {
        var data = { "atmos2:rec:Note:n1": ${JSON.stringify(stored)} };
        var storage = {
          get length() { return Object.keys(data).length; },
          key: function (i) { return Object.keys(data)[i]; },
          getItem: function (k) { return k in data ? data[k] : null; },
          setItem: function (k, v) { data[k] = String(v); },
          removeItem: function (k) { delete data[k]; }
        };
        var webStorage = new Atmos({ storage: storage });
        var atOnce = webStorage.metaContext.loaded && webStorage.syncState("Note", "n1");
        webStorage.close();
        var store = {
          get: function (k) { return Promise.resolve(k in data ? JSON.parse(data[k]) : undefined); },
          put: function () { return Promise.resolve(); },
          delete: function () { return Promise.resolve(); },
          batch: function () { return Promise.resolve(); },
          entries: function (prefix) {
            return new Promise(function (resolve) { setTimeout(function () { resolve(Object.keys(data).filter(function (k) { return k.indexOf(prefix) === 0; }).map(function (k) { return [k, JSON.parse(data[k])]; })); }, 5); });
          }
        };
        var later = new Atmos({ store: store });
        return later.metaContext.ready.then(function () {
          var state = later.syncState("Note", "n1");
          later.close();
          return [atOnce, state];
        });
      })()`,
      page,
    );
    expect(result).to.deep.equal(["synced", "synced"]);
  });

  it("lets the ES5 live client open the page's WebSocket and connect", async () => {
    const opened: string[] = [];
    class PageSocket {
      readyState = 0;
      onopen: (() => void) | null = null;
      onmessage: ((event: { data: string }) => void) | null = null;
      onclose: ((event: { code: number; reason: string }) => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(readonly url: string) {
        opened.push(url);
        setTimeout(() => {
          this.readyState = 1;
          this.onopen?.();
        }, 1);
      }
      send(text: string): void {
        const message = JSON.parse(text) as { type: string };
        if (message.type === "auth") setTimeout(() => this.onmessage?.({ data: JSON.stringify({ type: "ready", channels: ["feed"], seq: { feed: 0 } }) }), 1);
      }
      close(): void {
        this.readyState = 3;
      }
    }
    const page = es5Page(["atmos2.es5.js", "atmos2-live.es5.js"], { WebSocket: PageSocket });
    const connected = await vm.runInContext(
      `(function () {
        var storage = { length: 0, key: function () { return null; }, getItem: function () { return null; }, setItem: function () {}, removeItem: function () {} };
        var atmos = new Atmos({ storage: storage });
        return atmos.live.connect("ws://page.test/live", { token: "t" }).then(function () {
          var ok = atmos.live.connected;
          atmos.close();
          return ok;
        });
      })()`,
      page,
    );
    expect(connected).to.equal(true);
    expect(opened).to.deep.equal(["ws://page.test/live"]);
  });

  it("takes Spine from require(\"spine\") under CommonJS and exports the class", () => {
    const calls: string[] = [];
    const spine = vm.createContext({});
    vm.runInContext(spineSource, spine);
    const Spine = vm.runInContext("Spine", spine) as { Model: { Atmosphere?: unknown } };
    const module = { exports: {} as unknown };
    const sandbox = vm.createContext({ module, exports: module.exports, require: (name: string) => (calls.push(name), Spine), console });
    vm.runInContext(read("atmos2.es5.js"), sandbox);
    expect(calls).to.deep.equal(["spine"]);
    expect(typeof module.exports).to.equal("function");
    expect((module.exports as { default: unknown }).default).to.equal(module.exports);
    expect(Spine.Model.Atmosphere).to.be.an("object");
  });
});
