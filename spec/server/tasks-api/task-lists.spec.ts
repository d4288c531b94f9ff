import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: task lists", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
  });
  afterEach(() => server.close({ removeFile: true }));

  it("creates a list with a server-assigned id, etag, updated time and selfLink", async () => {
    const answer = await api.call("POST", "/users/@me/lists", { title: "Groceries", id: "mine" });
    expect(answer.status).to.equal(200);
    const list = answer.body;
    expect(list.kind).to.equal("tasks#taskList");
    expect(list.id).to.be.a("string").and.not.equal("mine");
    expect(list.title).to.equal("Groceries");
    expect(list.etag).to.match(/^".+"$/);
    expect(list.updated).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(list.selfLink).to.equal(`${server.base}/users/@me/lists/${list.id}`);
    expect(answer.headers.get("etag")).to.equal(list.etag);
  });

  // Google Tasks: "The special taskListID value @default can be used to refer
  // to the authenticated user's default task list." A client using it got 404.
  it("takes @default for the account's default list: its first list, made as \"My Tasks\" when it has none", async () => {
    const made = await api.call("GET", "/users/@me/lists/@default");
    expect(made.status).to.equal(200);
    expect(made.body.title).to.equal("My Tasks");
    expect((await api.call("GET", "/users/@me/lists")).body.items.map((l: { id: string }) => l.id)).to.deep.equal([made.body.id]);

    await api.call("POST", "/users/@me/lists", { title: "Groceries" });
    const task = await api.call("POST", "/lists/@default/tasks", { title: "Call mum" });
    expect(task.status).to.equal(200);
    expect(task.body.selfLink).to.contain(`/lists/${made.body.id}/tasks/`);
    const tasks = await api.call("GET", "/lists/@default/tasks");
    expect(tasks.body.items.map((t: { title: string }) => t.title)).to.deep.equal(["Call mum"]);
  });

  it("lists lists in an envelope, without an items key when there are none", async () => {
    const empty = await api.call("GET", "/users/@me/lists");
    expect(empty.status).to.equal(200);
    expect(empty.body.kind).to.equal("tasks#taskLists");
    expect(empty.body).to.have.property("etag");
    expect(empty.body).not.to.have.property("items");
    expect(empty.body).not.to.have.property("nextPageToken");

    const a = await api.createList("A");
    const b = await api.createList("B");
    const full = await api.call("GET", "/users/@me/lists");
    expect(full.body.items.map((l: { id: string }) => l.id)).to.deep.equal([a.id, b.id]);
  });

  it("gets one list by id, and answers 404 with a Google error body for an unknown id", async () => {
    const list = await api.createList("Home");
    const found = await api.call("GET", `/users/@me/lists/${list.id}`);
    expect(found.body).to.deep.equal(list);

    const missing = await api.call("GET", "/users/@me/lists/nope");
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal(404);
    expect(missing.body.error.status).to.equal("NOT_FOUND");
    expect(missing.body.error.errors[0]).to.include({ reason: "notFound", domain: "global" });
    expect(missing.body.error.message).to.contain("nope");
  });

  it("renames a list with PUT and with PATCH, changing its etag each time", async () => {
    const list = await api.createList("Home");
    const put = await api.call("PUT", `/users/@me/lists/${list.id}`, { title: "House" });
    expect(put.status).to.equal(200);
    expect(put.body.title).to.equal("House");
    expect(put.body.etag).not.to.equal(list.etag);

    const patch = await api.call("PATCH", `/users/@me/lists/${list.id}`, { title: "Flat" });
    expect(patch.body.title).to.equal("Flat");
    expect(patch.body.etag).not.to.equal(put.body.etag);
    expect(Date.parse(patch.body.updated)).to.be.at.least(Date.parse(list.updated));
  });

  it("keeps the title when a PATCH does not send one", async () => {
    const list = await api.createList("Home");
    const patch = await api.call("PATCH", `/users/@me/lists/${list.id}`, { color: "red" });
    expect(patch.status).to.equal(200);
    expect(patch.body.title).to.equal("Home");
  });

  it("refuses a list without a title, naming the field", async () => {
    const answer = await api.call("POST", "/users/@me/lists", {});
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.contain("title");
    const blank = await api.call("PUT", `/users/@me/lists/${(await api.createList()).id}`, { title: "  " });
    expect(blank.status).to.equal(400);
  });

  it("deletes a list: 204, then 404 on GET, gone from the index, and its tasks become tombstones", async () => {
    const list = await api.createList("Old");
    const task = await api.createTask(list.id, { title: "x" });
    const del = await api.call("DELETE", `/users/@me/lists/${list.id}`);
    expect(del.status).to.equal(204);
    expect(del.text).to.equal("");
    expect((await api.call("GET", `/users/@me/lists/${list.id}`)).status).to.equal(404);
    expect((await api.call("GET", "/users/@me/lists")).body).not.to.have.property("items");
    expect((await api.call("GET", `/lists/${list.id}/tasks`)).status).to.equal(404);
    const taskDeletion = server.changes.find((c) => c.collection === "tasks" && c.id === task.id && c.type === "deleted");
    expect(taskDeletion?.attrs.deleted).to.equal(true);
  });

  it("answers 204 again when a deleted list is deleted again (a retried DELETE)", async () => {
    const list = await api.createList("Old");
    await api.call("DELETE", `/users/@me/lists/${list.id}`);
    expect((await api.call("DELETE", `/users/@me/lists/${list.id}`)).status).to.equal(204);
    expect((await api.call("DELETE", "/users/@me/lists/never-was")).status).to.equal(404);
  });

  it("reports each committed change on the user's channel with the full resource", async () => {
    const list = await api.createList("A");
    await api.call("PATCH", `/users/@me/lists/${list.id}`, { title: "B" });
    await api.call("DELETE", `/users/@me/lists/${list.id}`);
    expect(server.changes.map((c) => [c.type, c.collection, c.id])).to.deep.equal([
      ["created", "lists", list.id],
      ["updated", "lists", list.id],
      ["deleted", "lists", list.id],
    ]);
    expect(server.changes[1].attrs).to.include({ kind: "tasks#taskList", title: "B" });
  });

  it("does not report a change that failed", async () => {
    await api.call("POST", "/users/@me/lists", { title: 5 });
    expect(server.changes).to.deep.equal([]);
  });
});
