import { expect } from "chai";
import * as http from "http";
import { Atmos, ResourceClient } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { googleRoutes, List, models, resetModels, TaskList, Todo } from "../models";

/**
 * A document store that names ids `_id` and wraps lists in `{ data: [...] }`
 * (as MongoDB-backed APIs often do): for IDField and itemsFromResult.
 */
async function startDocumentServer() {
  const docs: Array<Record<string, unknown>> = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      if (req.method === "POST") {
        const doc = { ...JSON.parse(raw), _id: `doc-${next++}` };
        docs.push(doc);
        res.end(JSON.stringify(doc));
      } else if (req.method === "PUT") {
        const id = decodeURIComponent(req.url!.split("/").pop()!);
        const doc = docs.find((d) => d._id === id);
        Object.assign(doc ?? {}, JSON.parse(raw));
        res.statusCode = doc ? 200 : 404;
        res.end(JSON.stringify(doc ?? { message: "no such document" }));
      } else res.end(JSON.stringify({ data: docs, total: docs.length }));
    });
  });
  const url = await listen(server);
  return { url, docs, close: () => shutdown(server) };
}

describe("ResourceClient", () => {
  let rails: RailsScaffoldServer;
  let atmos: Atmos;
  let rc: ResourceClient;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    atmos = new Atmos({ storage: new MemoryStorage() });
    rc = atmos.resourceClient;
    rc.base = `${rails.url}/api/`;
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("sends each action to base + route, with the route's verb", async () => {
    rc.routes = { Todo: { create: "POST /todos.json", update: "PATCH /todos/:id.json", delete: "/todos/:id.json" } };
    const todo = new Todo({ title: "a" });
    todo.save({ remote: true });
    await atmos.whenSynced();
    const saved = Todo.first()!;
    saved.title = "b";
    saved.save({ remote: true });
    await atmos.whenSynced();
    Todo.first()!.destroy({ remote: true });
    await atmos.whenSynced();
    expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      "POST /api/todos.json",
      `PATCH /api/todos/${saved.id}.json`,
      `DELETE /api/todos/${saved.id}.json`,
    ]);
  });

  it("builds REST defaults from the model's url when it has one", async () => {
    (Todo as any).url = "/v2/items";
    try {
      new Todo({ title: "a" }).save({ remote: true });
      await atmos.whenSynced();
      const todo = Todo.first()!;
      todo.destroy({ remote: true });
      await atmos.whenSynced();
      expect(rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /api/v2/items", `DELETE /api/v2/items/${todo.id}`]);
    } finally {
      delete (Todo as any).url;
    }
  });

  it("calls a custom endpoint with execute() and resolves with the parsed body", async () => {
    rails.seed("api/todos", [{ title: "seeded" }]);
    const body = (await rc.execute({ method: "GET", path: "/todos.json", params: { page: 1, per_page: 5 } })) as any[];
    expect(body.map((t) => t.title)).to.deep.equal(["seeded"]);
    expect(rails.requests[0]).to.deep.include({ method: "GET", path: "/api/todos.json", query: { page: "1", per_page: "5" } });
    const created = (await rc.execute({ method: "POST", path: "/todos", data: { title: "custom" } })) as any;
    expect(created).to.include({ title: "custom", id: 2 });
  });

  it("rejects execute() with the status and body of a failed request", async () => {
    let failure: any;
    try {
      await rc.execute({ method: "POST", path: "/todos", data: { title: "" } });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.include({ status: 422 });
    expect(failure.body).to.deep.equal({ title: ["can't be blank"] });
    expect(failure.message).to.match(/title can't be blank/);
  });

  it("sends the headers added and stops sending removed ones", async () => {
    rc.addHeader("Authorization", "Bearer one");
    rc.addHeader("X-Client", "spec");
    await rc.execute({ path: "/todos" });
    rc.removeHeader("x-client");
    await rc.execute({ path: "/todos" });
    expect(rails.requests[0].headers).to.include({ authorization: "Bearer one", "x-client": "spec" });
    expect(rails.requests[1].headers).to.include({ authorization: "Bearer one" });
    expect(rails.requests[1].headers).not.to.have.property("x-client");
  });

  it("runs beforeRequest before every request; a header added inside applies to that very request", async () => {
    let token = 0;
    const seen: string[] = [];
    rc.beforeRequest = (request, proceed) => {
      seen.push(`${request.method} ${request.model}`);
      setTimeout(() => {
        rc.addHeader("Authorization", `Bearer fresh-${++token}`);
        proceed();
      }, 1);
    };
    new Todo({ title: "a" }).save({ remote: true });
    await atmos.whenSynced();
    await rc.execute({ path: "/todos" });
    expect(seen).to.deep.equal(["POST Todo", "GET null"]);
    expect(rails.requests.map((r) => r.headers.authorization)).to.deep.equal(["Bearer fresh-1", "Bearer fresh-2"]);
  });

  it("sends through a replaced fetch", async () => {
    const calls: string[] = [];
    rc.fetch = (url, init) => {
      calls.push(`${init.method} ${url}`);
      return globalThis.fetch(url, init);
    };
    await rc.execute({ path: "/todos", params: { q: "a b" } });
    expect(calls).to.deep.equal([`GET ${rails.url}/api/todos?q=a%20b`]);
    expect(rails.requests).to.have.length(1);
  });

  it("codes json bodies as the attributes at the top level, with Content-Type application/json", async () => {
    new Todo({ title: "a", done: false }).save({ remote: true });
    await atmos.whenSynced();
    const post = rails.requests[0];
    expect(post.headers["content-type"]).to.equal("application/json");
    expect(JSON.parse(post.rawBody)).to.deep.equal({ title: "a", done: false });
  });

  it("codes form bodies Rails style under the underscored class name", async () => {
    rc.dataCoding = "form";
    new TaskList({ title: "Home & garden", tags: ["x", "y"] }).save({ remote: true });
    await atmos.whenSynced();
    const post = rails.requests[0];
    expect(post.path).to.equal("/api/task_lists");
    expect(post.headers["content-type"]).to.match(/^application\/x-www-form-urlencoded/);
    expect(post.body).to.deep.equal({ task_list: { title: "Home & garden", tags: ["x", "y"] } });
    expect(rails.records("api/task_lists")[0]).to.include({ title: "Home & garden" });
  });

  it("codes form bodies under rc.formRoot, or flat when it is false", async () => {
    rc.dataCoding = "form";
    rc.formRoot = "item";
    await rc.execute({ method: "POST", path: "/todos", data: { title: "rooted" } });
    rc.formRoot = false;
    await rc.execute({ method: "POST", path: "/todos", data: { title: "flat", tags: ["a"] } });
    expect(rails.requests[0].rawBody).to.equal("item%5Btitle%5D=rooted");
    expect(rails.requests[1].body).to.deep.equal({ title: "flat", tags: ["a"] });
  });

  it("follows Link rel=next through every page of a bare-array index", async () => {
    rails.seed("api/todos", Array.from({ length: 7 }, (_, i) => ({ title: `t${i}` })));
    const records = await models.Todo.sync({ remote: true, params: { per_page: 3 } });
    expect(records.map((t) => t.title)).to.deep.equal(["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
    expect(rails.requests.map((r) => [r.query.page, r.query.per_page])).to.deep.equal([
      [undefined, "3"],
      ["2", "3"],
      ["3", "3"],
    ]);
  });

  describe("a base that cannot reach a server (Node, no page to be relative to)", () => {
    const saveOnce = async () => {
      const errors: string[] = [];
      atmos.on("error", ({ error }) => errors.push(error.message));
      const offline: string[] = [];
      atmos.on("offline", () => offline.push("offline"));
      const todo = new Todo({ title: "a" });
      todo.save({ remote: true });
      await atmos.whenSynced();
      return { todo: Todo.find(todo.id), errors, offline };
    };

    it("parks the save with an error naming resourceClient.base when the base is empty", async () => {
      rc.base = "";
      const { todo, errors, offline } = await saveOnce();
      expect(errors).to.have.length(1);
      expect(errors[0]).to.contain("resourceClient.base");
      expect(errors[0]).to.contain("absolute URL");
      expect(todo.syncState()).to.equal("failed");
      expect(offline, "a setup mistake is not the network").to.deep.equal([]);
    });

    it("names the missing http:// when the base has none", async () => {
      rc.base = "localhost:3001/api";
      const { todo, errors, offline } = await saveOnce();
      expect(errors[0]).to.contain('"localhost:3001/api"');
      expect(errors[0]).to.contain("http://");
      expect(todo.syncState()).to.equal("failed");
      expect(offline).to.deep.equal([]);
    });

    it("says why the network failed when nothing listens (the connection was refused)", async () => {
      // A port that was free a moment ago: nothing listens there now.
      const gone = http.createServer();
      const url = await listen(gone);
      await shutdown(gone);
      rc.base = `${url}/api`;
      const error = await rc.execute({ path: "/todos.json" }).then(() => null, (e: Error) => e);
      expect(error?.message).to.contain("ECONNREFUSED").and.contain("nothing answers at that address");
    });

    // Found by an outside review: the README's page with nothing behind /api said "answered 404: Error".
    it("names the route to check when the server answers with its own HTML 404 page", async () => {
      const express = http.createServer((req, res) => {
        res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
        res.end(`<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Cannot ${req.method} ${req.url}</pre></body></html>`);
      });
      const url = await listen(express);
      rc.base = `${url}/api`;
      const error = await rc.execute({ path: "/tasks" }).then(() => null, (e: Error) => e);
      await shutdown(express);
      expect(error?.message).to.contain("answered 404: Cannot GET /api/tasks; check resourceClient.base and the routes");
    });

    // Found by an outside review: "fetch failed (UND_ERR_SOCKET)" said nothing a user could act on.
    it("says in words that the server closed the connection without an answer", async () => {
      const dropping = http.createServer((req) => req.socket.destroy());
      const url = await listen(dropping);
      rc.base = `${url}/api`;
      const error = await rc.execute({ path: "/todos.json", method: "POST", data: {} }).then(() => null, (e: Error) => e);
      await shutdown(dropping);
      expect(error?.message).to.contain("the server closed the connection without an answer");
    });
  });

  describe("execute() with :name in the path (README: path \"/lists/:id/clear\")", () => {
    let lists: http.Server;
    let seen: string[];
    beforeEach(async () => {
      seen = [];
      lists = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ cleared: true }));
      });
      rc.base = await listen(lists);
    });
    afterEach(() => shutdown(lists));

    it("fills each :name from pathParams, URL-encoded as routes are", async () => {
      const body = await rc.execute({ method: "POST", path: "/lists/:id/clear", pathParams: { id: "L1" }, data: {} });
      await rc.execute({ path: "/lists/:list/items/:id", pathParams: { list: "a b/c", id: 7 } });
      expect(body).to.deep.equal({ cleared: true });
      expect(seen).to.deep.equal(["POST /lists/L1/clear", "GET /lists/a%20b%2Fc/items/7"]);
    });

    it("rejects naming the path and the parameter when pathParams lacks one, and sends nothing", async () => {
      const errors: unknown[] = [];
      atmos.on("error", (payload) => errors.push(payload));
      const missing = await rc.execute({ method: "POST", path: "/lists/:id/clear", data: {} }).then(() => null, (e: Error) => e);
      const empty = await rc.execute({ method: "POST", path: "/lists/:id/clear", pathParams: { id: "" } }).then(() => null, (e: Error) => e);
      for (const error of [missing, empty]) expect(error?.message).to.equal('atmos2: execute() path "/lists/:id/clear" needs a value for :id; pass it in pathParams');
      expect([seen, errors]).to.deep.equal([[], []]);
    });

    // Found by an attacker's review: fetch reads "." and ".." in a path as
    // steps up it, so a record with the id ".." sent its edit to the collection's parent.
    it('rejects a path parameter that is "." or "..", naming it, and sends nothing', async () => {
      for (const id of [".", ".."]) {
        const error = await rc.execute({ method: "DELETE", path: "/lists/:id", pathParams: { id } }).then(() => null, (e: Error) => e);
        expect(error?.message).to.equal(`atmos2: execute() path "/lists/:id" has "${id}" for :id, which a URL reads as a step up the path: the request would reach another address; use another value`);
      }
      await rc.execute({ path: "/lists/:id", pathParams: { id: "..." } });
      expect(seen).to.deep.equal(["GET /lists/..."]);
    });
  });

  describe("timeout = Infinity", () => {
    let slow: http.Server;
    afterEach(() => shutdown(slow));

    it("waits as long as the server takes (no timer at all), where a timer above 2^31-1 ms would fire at once", async () => {
      slow = http.createServer((_req, res) => {
        setTimeout(() => res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ id: "s1", title: "slow" })), 50);
      });
      rc.base = await listen(slow);
      rc.timeout = Infinity;
      const errors: unknown[] = [];
      atmos.on("error", (payload) => errors.push(payload.error.message));
      const body = await rc.execute({ method: "POST", path: "/todos", data: { title: "slow" } });
      const todo = new Todo({ title: "slow" });
      todo.save({ remote: true });
      await atmos.whenSynced();
      expect([body, (todo as any).syncState(), errors]).to.deep.equal([{ id: "s1", title: "slow" }, "synced", []]);
    });
  });

  it("refuses an itemsFromResult that is not a function", () => {
    expect(() => (rc.itemsFromResult = "items" as any)).to.throw(Error, /itemsFromResult must be a function/);
  });

  describe("against another API's shape", () => {
    let docs: Awaited<ReturnType<typeof startDocumentServer>>;
    beforeEach(async () => {
      docs = await startDocumentServer();
      rc.base = docs.url;
      rc.IDField = "_id";
    });
    afterEach(() => docs.close());

    it("takes the id from IDField when it is not \"id\", and sends it back there", async () => {
      new Todo({ title: "a" }).save({ remote: true });
      await atmos.whenSynced();
      expect(Todo.first()!.id).to.equal("doc-1");
      expect(Todo.first()!.attributes()).not.to.have.property("_id");
      const todo = Todo.find("doc-1");
      todo.title = "b";
      todo.save({ remote: true });
      await atmos.whenSynced();
      expect(docs.docs).to.deep.equal([{ title: "b", _id: "doc-1" }]);
    });

    it("pulls records out of the answer with itemsFromResult", async () => {
      docs.docs.push({ _id: "d1", title: "one" }, { _id: "d2", title: "two" });
      rc.itemsFromResult = (result) => result.data;
      const records = await models.Todo.sync({ remote: true });
      expect(records.map((t) => [t.id, t.title])).to.deep.equal([
        ["d1", "one"],
        ["d2", "two"],
      ]);
    });
  });

  describe("against the Google-compatible tasks API", () => {
    let tasks: TasksTestServer;
    beforeEach(async () => {
      tasks = await startTasksTestServer();
      rc.base = tasks.base;
      rc.routes = googleRoutes;
      rc.addHeader("Authorization", `Bearer ${tasks.token}`);
    });
    afterEach(() => tasks.close({ removeFile: true }));

    it("follows nextPageToken through every page, using result.items by default", async () => {
      const client = tasksClient(tasks);
      for (let i = 0; i < 5; i++) await client.createList(`list ${i}`);
      const records = await models.List.sync({ remote: true, params: { maxResults: 2 } });
      expect(records.map((l) => l.title)).to.deep.equal(["list 0", "list 1", "list 2", "list 3", "list 4"]);
      expect(List.all()).to.have.length(5);
      const pages = tasks.requests.filter((r) => r.method === "GET");
      expect(pages).to.have.length(3);
      expect(pages[0].query).not.to.have.property("pageToken");
      expect(pages.slice(1).every((p) => typeof p.query.pageToken === "string")).to.equal(true);
    });
  });
});
