import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { forgetInMemory, googleRoutes, List, models, resetModels, Task } from "../models";

/** Pulling the server's records with Model.sync({ remote: true }). */
describe("pulling records", () => {
  let tasks: TasksTestServer;
  let client: ReturnType<typeof tasksClient>;
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    tasks = await startTasksTestServer();
    client = tasksClient(tasks);
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = tasks.base;
    atmos.resourceClient.routes = googleRoutes;
    atmos.resourceClient.addHeader("Authorization", `Bearer ${tasks.token}`);
  });
  afterEach(async () => {
    atmos.close();
    await tasks.close({ removeFile: true });
  });

  const titles = (records: any[]) => records.map((r) => r.title).sort();

  it("triggers refresh with the local records, then again with the server's, and resolves with the records", async () => {
    new List({ title: "Local only" }).save();
    await atmos.whenSynced();
    await client.createList("From the server");
    forgetInMemory(List); // as on a fresh page: records only in storage
    const refreshes: string[][] = [];
    const onRefresh = (records: any[]) => refreshes.push(titles(records));
    List.bind("refresh", onRefresh);
    try {
      const records = await models.List.sync({ remote: true });
      expect(titles(records)).to.deep.equal(["From the server"]);
    } finally {
      List.unbind("refresh", onRefresh);
    }
    expect(refreshes).to.deep.equal([["Local only"], ["From the server"]]);
    expect(titles(List.all())).to.deep.equal(["From the server", "Local only"]);
    const stored = storage.keys().filter((k) => k.startsWith("atmos2:rec:List:"));
    expect(stored).to.have.length(2);
  });

  it("stores pulled records as known to the server, so the next save is an update", async () => {
    const list = await client.createList("Pulled");
    await models.List.sync({ remote: true });
    const pulled = List.find(list.id);
    expect((pulled as any).syncState()).to.equal("synced");
    pulled.title = "Renamed";
    pulled.save({ remote: true });
    await atmos.whenSynced();
    expect(tasks.requests.at(-1)).to.include({ method: "PUT", path: `/tasks/v1/users/@me/lists/${list.id}` });
  });

  it("keeps a record's cid across pulls, so Spine's find(cid) still finds it", async () => {
    const list = await client.createList("Pulled");
    await models.List.sync({ remote: true });
    const cid = List.find(list.id).cid;
    await client.call("PATCH", `/users/@me/lists/${list.id}`, { title: "Changed elsewhere" });
    await models.List.sync({ remote: true });
    expect(List.find(list.id).title).to.equal("Changed elsewhere");
    expect(List.find(list.id).cid).to.equal(cid);
    expect(List.find(cid)?.id).to.equal(list.id);
  });

  it("puts sync({ params }) in the query of every page", async () => {
    const list = await client.createList("L");
    for (const title of ["a", "b", "c", "d", "e"]) await client.createTask(list.id, { title });
    const skip = tasks.requests.length;
    const records = await models.Task.sync({ remote: true, pathParams: { taskListID: list.id }, params: { maxResults: 2, showHidden: true } });
    expect(titles(records)).to.deep.equal(["a", "b", "c", "d", "e"]);
    const pages = tasks.requests.slice(skip);
    expect(pages).to.have.length(3);
    for (const page of pages) expect(page.query).to.include({ maxResults: "2", showHidden: "true" });
  });

  it("sends a sync({ params }) value that holds brackets as written (a search for \"[]\" is not an empty one)", async () => {
    const list = await client.createList("L");
    const skip = tasks.requests.length;
    await models.Task.sync({ remote: true, pathParams: { taskListID: list.id }, params: { q: "[]", tags: ["a[]b"] } });
    expect(tasks.requests.slice(skip)[0].query).to.include({ q: "[]", tags: "a[]b" });
  });

  it("sets the index route's path parameters (taskListID) on the pulled records", async () => {
    const list = await client.createList("L");
    await client.createTask(list.id, { title: "milk" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: list.id } });
    expect(Task.first()!.taskListID).to.equal(list.id);
  });

  it("removes with remove: true only acknowledged records without unsent changes that the server no longer has", async () => {
    const [keep, goneClean, goneEdited] = [await client.createList("keep"), await client.createList("gone clean"), await client.createList("gone edited")];
    await models.List.sync({ remote: true });
    const edited = List.find(goneEdited.id);
    edited.title = "gone but edited here";
    edited.save();
    new List({ title: "new here" }).save();
    await client.call("DELETE", `/users/@me/lists/${goneClean.id}`);
    await client.call("DELETE", `/users/@me/lists/${goneEdited.id}`);

    await models.List.sync({ remote: true, remove: true });
    expect(titles(List.all())).to.deep.equal(["gone but edited here", "keep", "new here"]);
    expect(List.exists(keep.id)).to.equal(true);
    expect(storage.getItem(`atmos2:rec:List:${goneClean.id}`)).to.equal(null);
    expect(storage.getItem(`atmos2:rec:List:${goneEdited.id}`)).to.be.a("string");
  });

  it("keeps records the server did not return when remove is not asked for", async () => {
    const list = await client.createList("deleted on the server");
    await models.List.sync({ remote: true });
    await client.call("DELETE", `/users/@me/lists/${list.id}`);
    await models.List.sync({ remote: true });
    expect(List.exists(list.id)).to.equal(true);
  });

  describe("removeScope", () => {
    let home: string;
    let work: string;
    beforeEach(async () => {
      home = (await client.createList("Home")).id;
      work = (await client.createList("Work")).id;
      await client.createTask(home, { title: "home 1" });
      const gone = await client.createTask(home, { title: "home 2" });
      await client.createTask(work, { title: "work 1" });
      await models.Task.sync({ remote: true, pathParams: { taskListID: home } });
      await models.Task.sync({ remote: true, pathParams: { taskListID: work } });
      expect(Task.count()).to.equal(3);
      await client.call("DELETE", `/lists/${home}/tasks/${gone.id}`);
    });

    it("limits removal to records matching an attribute object", async () => {
      await models.Task.sync({ remote: true, pathParams: { taskListID: home }, remove: true, removeScope: { taskListID: home } });
      expect(titles(Task.all())).to.deep.equal(["home 1", "work 1"]);
    });

    it("limits removal to records matching a predicate", async () => {
      const scope = (task: any) => task.taskListID === home;
      await models.Task.sync({ remote: true, pathParams: { taskListID: home }, remove: true, removeScope: scope });
      expect(titles(Task.all())).to.deep.equal(["home 1", "work 1"]);
    });

    it("removes the other lists' tasks too without a scope (what the scope is for)", async () => {
      await models.Task.sync({ remote: true, pathParams: { taskListID: home }, remove: true });
      expect(titles(Task.all())).to.deep.equal(["home 1"]);
    });
  });

  it("never overwrites an unsent local edit; takes the server's other changes, then sends the edit", async () => {
    const list = await client.createList("L");
    const milk = await client.createTask(list.id, { title: "milk", notes: "" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: list.id } });
    const task = Task.find(milk.id);
    task.title = "oat milk";
    task.save();
    await client.call("PUT", `/lists/${list.id}/tasks/${milk.id}`, { ...milk, title: "soy milk", notes: "from the phone" });

    await models.Task.sync({ remote: true, pathParams: { taskListID: list.id } });
    expect(Task.find(milk.id)).to.include({ title: "oat milk", notes: "from the phone" });
    expect(JSON.parse(storage.getItem(`atmos2:rec:Task:${milk.id}`)!).attrs).to.include({ title: "oat milk" });

    await models.Task.push();
    const server = (await client.call("GET", `/lists/${list.id}/tasks/${milk.id}`)).body;
    expect(server).to.include({ title: "oat milk", notes: "from the phone" });
  });
});

/**
 * A small index API on a free port: `answer(url, origin)` gives the status,
 * headers and body of each answer. Made before each test of the
 * describe it is called in, with an Atmos whose base is `origin + basePath`.
 */
function indexApi(answer: (url: URL, origin: string) => { headers?: Record<string, string>; body: unknown; status?: number }, basePath = "") {
  const api = { urls: [] as string[], atmos: undefined as unknown as Atmos };
  let server: http.Server;
  beforeEach(async () => {
    resetModels();
    api.urls = [];
    let origin = "";
    server = http.createServer((req, res) => {
      api.urls.push(req.url!);
      const { headers = {}, body, status = 200 } = answer(new URL(req.url!, origin), origin);
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    });
    origin = await listen(server);
    api.atmos = new Atmos({ storage: new MemoryStorage() });
    api.atmos.resourceClient.base = origin + basePath;
  });
  afterEach(async () => {
    api.atmos.close();
    await shutdown(server);
  });
  return api;
}

/** An API that pages with `Link: <…?cursor=N>; rel="next"`, its links carrying only the server's own query. */
describe("pulling from an API that pages with Link headers", () => {
  const api = indexApi((url, origin) => {
    const page = Number(url.searchParams.get("cursor") ?? 1);
    const headers: Record<string, string> = {};
    // Page 2's link repeats the per-page size the client asked for; page 1's does not.
    if (page === 1) headers.Link = `<${origin}/lists?cursor=2>; rel="next"`;
    if (page === 2) headers.Link = `</lists?cursor=3&perPage=${url.searchParams.get("perPage")}>; rel="next"`;
    return { headers, body: [{ id: `L${page}`, title: `page ${page}` }] };
  });

  it("puts sync({ params }) in the query of every page, and a param the link already has only once", async () => {
    const records = await models.List.sync({ remote: true, params: { perPage: 1, archived: false } });
    expect(records.map((r: any) => r.title)).to.deep.equal(["page 1", "page 2", "page 3"]);
    expect(api.urls).to.deep.equal(["/lists?perPage=1&archived=false", "/lists?cursor=2&perPage=1&archived=false", "/lists?cursor=3&perPage=1&archived=false"]);
  });
});

describe("pulling from an API under a base with a path (base = origin + \"/api\")", () => {
  const api = indexApi((url) => {
    if (!url.pathname.startsWith("/api/")) return { status: 404, body: {} };
    const page = Number(url.searchParams.get("page") ?? 1);
    const headers: Record<string, string> = {};
    // Root-relative on page 1, relative to the page on page 2 (RFC 8288: against the page's URL).
    if (page === 1) headers.Link = `</api/lists?page=2>; rel="next"`;
    if (page === 2) headers.Link = `<lists?page=3>; rel="next"`;
    return { headers, body: [{ id: `L${page}`, title: `page ${page}` }] };
  }, "/api");

  it("follows root-relative and relative next links from the page's URL, not the base", async () => {
    const records = await models.List.sync({ remote: true });
    expect(records.map((r: any) => r.title)).to.deep.equal(["page 1", "page 2", "page 3"]);
    expect(api.urls).to.deep.equal(["/api/lists", "/api/lists?page=2", "/api/lists?page=3"]);
  });
});

describe("an index page without items (Google leaves items out of an empty page)", () => {
  const api = indexApi(() => ({ body: { kind: "tasks#taskLists", etag: "e" } }));

  it("is an empty list with API.md's own itemsFromResult, (result) => result.items", async () => {
    api.atmos.resourceClient.itemsFromResult = (result) => result.items;
    expect(await models.List.sync({ remote: true })).to.deep.equal([]);
  });

  it("still rejects an itemsFromResult that gives something else than a list, naming it", async () => {
    api.atmos.resourceClient.itemsFromResult = (result) => result.kind;
    const error = await models.List.sync({ remote: true }).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/itemsFromResult returned string, not an array/);
  });
});
