import { expect } from "chai";
import { parseRailsParams } from "../../servers/rails-params";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";

describe("test server: Rails scaffold", () => {
  let rails: RailsScaffoldServer;

  beforeEach(async () => {
    rails = await startRailsScaffoldServer();
  });
  afterEach(() => rails.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  const json = { "Content-Type": "application/json" };

  it("parses Rails-style nested form params", () => {
    expect(parseRailsParams("task[title]=Milk&task[done]=1&task[tags][]=a&task[tags][]=b&page=2")).to.deep.equal({
      task: { title: "Milk", done: "1", tags: ["a", "b"] },
      page: "2",
    });
    expect(parseRailsParams("task[meta][owner][name]=Ann")).to.deep.equal({ task: { meta: { owner: { name: "Ann" } } } });
    expect(parseRailsParams("items[][name]=a&items[][qty]=1&items[][name]=b")).to.deep.equal({ items: [{ name: "a", qty: "1" }, { name: "b" }] });
    expect(parseRailsParams("q=a%20b+c")).to.deep.equal({ q: "a b c" });
  });

  it("creates from a form body nested under the model, answering 201 with a numeric id", async () => {
    const res = await fetch(`${rails.url}/tasks.json`, { method: "POST", headers: form, body: "task[title]=Milk&task[tags][]=x" });
    expect(res.status).to.equal(201);
    const record = await res.json();
    expect(record).to.include({ id: 1, title: "Milk" });
    expect(record.tags).to.deep.equal(["x"]);
    expect(rails.requests[0]).to.include({ method: "POST", path: "/tasks.json", rawBody: "task[title]=Milk&task[tags][]=x" });
    expect(rails.requests[0].body).to.deep.equal({ task: { title: "Milk", tags: ["x"] } });
  });

  it("creates from JSON at the top level or wrapped under the model name, ignoring a client id", async () => {
    await fetch(`${rails.url}/tasks`, { method: "POST", headers: json, body: JSON.stringify({ id: "uuid", title: "a" }) });
    await fetch(`${rails.url}/tasks`, { method: "POST", headers: json, body: JSON.stringify({ task: { title: "b" } }) });
    expect(rails.records("tasks").map((r) => [r.id, r.title])).to.deep.equal([[1, "a"], [2, "b"]]);
  });

  it("lists as a bare array, with or without .json, and pages with a Link header", async () => {
    rails.seed("tasks", [{ title: "a" }, { title: "b" }, { title: "c" }]);
    expect((await (await fetch(`${rails.url}/tasks`)).json()).map((r: { title: string }) => r.title)).to.deep.equal(["a", "b", "c"]);
    const page1 = await fetch(`${rails.url}/tasks.json?page=1&per_page=2`);
    expect((await page1.json()).length).to.equal(2);
    const next = /<([^>]+)>; rel="next"/.exec(page1.headers.get("link") ?? "")?.[1];
    expect(next).to.be.a("string");
    const page2 = await fetch(next!);
    expect((await page2.json()).map((r: { title: string }) => r.title)).to.deep.equal(["c"]);
    expect(page2.headers.get("link")).to.equal(null);
  });

  it("updates with PUT or PATCH, deletes with 204 and no body, and answers 404 for unknown ids", async () => {
    const [task] = rails.seed("tasks", [{ title: "a" }]);
    const put = await fetch(`${rails.url}/tasks/${task.id}.json`, { method: "PUT", headers: form, body: "task[title]=b" });
    expect(put.status).to.equal(200);
    expect((await put.json()).title).to.equal("b");
    const patch = await fetch(`${rails.url}/tasks/${task.id}`, { method: "PATCH", headers: json, body: JSON.stringify({ done: true }) });
    expect(await patch.json()).to.include({ title: "b", done: true });
    const del = await fetch(`${rails.url}/tasks/${task.id}.json`, { method: "DELETE" });
    expect(del.status).to.equal(204);
    expect(await del.text()).to.equal("");
    expect((await fetch(`${rails.url}/tasks/${task.id}.json`, { method: "DELETE" })).status).to.equal(404);
  });

  it("answers 422 with Rails' error hash for a blank title", async () => {
    const res = await fetch(`${rails.url}/tasks.json`, { method: "POST", headers: form, body: "task[title]=" });
    expect(res.status).to.equal(422);
    expect(await res.json()).to.deep.equal({ title: ["can't be blank"] });
    expect(rails.records("tasks")).to.deep.equal([]);
  });

  it("keeps nested collections apart", async () => {
    await fetch(`${rails.url}/lists/4/tasks.json`, { method: "POST", headers: json, body: JSON.stringify({ title: "x" }) });
    expect(rails.records("lists/4/tasks")).to.have.length(1);
    expect(rails.records("tasks")).to.have.length(0);
  });

  it("answers the forced failure once, without executing the request", async () => {
    rails.failNext(500, "<html><body>We're sorry, but something went wrong.</body></html>");
    const failed = await fetch(`${rails.url}/tasks.json`, { method: "POST", headers: json, body: JSON.stringify({ title: "x" }) });
    expect(failed.status).to.equal(500);
    expect(failed.headers.get("content-type")).to.contain("text/html");
    expect(rails.records("tasks")).to.have.length(0);
    rails.failNext(200, "{not json", "application/json");
    const bad = await fetch(`${rails.url}/tasks.json`);
    expect(await bad.text()).to.equal("{not json");
    expect((await fetch(`${rails.url}/tasks.json`)).status).to.equal(200);
  });

  it("commits a dropped request before cutting the connection", async () => {
    rails.dropNext();
    let error: unknown;
    await fetch(`${rails.url}/tasks.json`, { method: "POST", headers: json, body: JSON.stringify({ title: "landed" }) }).catch((err) => (error = err));
    expect(error).to.be.instanceOf(Error);
    expect(rails.records("tasks").map((r) => r.title)).to.deep.equal(["landed"]);
  });

  it("replays a POST with the same Idempotency-Key instead of creating twice", async () => {
    const headers = { ...json, "Idempotency-Key": "k" };
    rails.dropNext();
    await fetch(`${rails.url}/tasks.json`, { method: "POST", headers, body: JSON.stringify({ title: "once" }) }).catch(() => undefined);
    const retry = await fetch(`${rails.url}/tasks.json`, { method: "POST", headers, body: JSON.stringify({ title: "once" }) });
    expect(retry.status).to.equal(201);
    expect((await retry.json()).id).to.equal(1);
    expect(rails.records("tasks")).to.have.length(1);
  });

  it("records headers and query of every request", async () => {
    await fetch(`${rails.url}/tasks.json?updated_since=5`, { headers: { "X-CSRF-Token": "abc" } });
    expect(rails.requests[0].query).to.deep.equal({ updated_since: "5" });
    expect(rails.requests[0].headers["x-csrf-token"]).to.equal("abc");
  });
});
