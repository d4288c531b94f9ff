import Database from "better-sqlite3";
import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: restart", () => {
  let server: TasksTestServer;

  afterEach(() => server.close({ removeFile: true }));

  it("keeps lists, tasks, tombstones and etags when the server is closed and reopened on the same file", async () => {
    server = await startTasksTestServer();
    let api = tasksClient(server);
    const list = await api.createList("Kept");
    const task = await api.createTask(list.id, { title: "Milk", notes: "2 l" });
    const gone = await api.createTask(list.id, { title: "Gone" });
    await api.call("DELETE", `/lists/${list.id}/tasks/${gone.id}`);
    await server.close();

    server = await startTasksTestServer({ dbFile: server.dbFile });
    api = tasksClient(server);
    const lists = await api.all("/users/@me/lists");
    expect(lists.map((l) => [l.id, l.title, l.etag])).to.deep.equal([[list.id, "Kept", list.etag]]);
    const again = await api.call("GET", `/lists/${list.id}/tasks/${task.id}`);
    expect(again.body).to.include({ title: "Milk", notes: "2 l", etag: task.etag, updated: task.updated });
    const tombstones = await api.all(`/lists/${list.id}/tasks?showDeleted=true`);
    expect(tombstones.find((t) => t.id === gone.id)?.deleted).to.equal(true);
  });

  it("keeps giving new etags after a restart", async () => {
    server = await startTasksTestServer();
    let api = tasksClient(server);
    const list = await api.createList("L");
    await server.close();
    server = await startTasksTestServer({ dbFile: server.dbFile });
    api = tasksClient(server);
    const renamed = await api.call("PATCH", `/users/@me/lists/${list.id}`, { title: "M" });
    expect(renamed.body.etag).not.to.equal(list.etag);
    const other = await api.createList("N");
    expect(other.etag).not.to.equal(renamed.body.etag);
  });

  it("never gives a record a version it had before, in a database whose versions were counted over all accounts", async () => {
    // Versions are counted per account now; a database written before holds
    // higher numbers from the shared counter, and an account with no count of
    // its own yet must start above them (an old etag matching again would let
    // a stale If-Match overwrite a newer version).
    server = await startTasksTestServer();
    let api = tasksClient(server);
    const list = await api.createList("Old");
    await server.close();
    const db = new Database(server.dbFile);
    db.prepare("UPDATE counters SET value = 500 WHERE name = 'rev'").run();
    db.prepare("UPDATE lists SET rev = 500").run();
    db.prepare("DELETE FROM accounts").run();
    db.close();
    server = await startTasksTestServer({ dbFile: server.dbFile });
    api = tasksClient(server);
    const old = (await api.call("GET", `/users/@me/lists/${list.id}`)).body.etag;
    const renamed = (await api.call("PATCH", `/users/@me/lists/${list.id}`, { title: "New" })).body.etag;
    const rev = (etag: string) => Number(/^rev:(\d+)$/.exec(Buffer.from(etag.replace(/"/g, ""), "base64url").toString())![1]);
    expect(rev(old)).to.equal(500);
    expect(rev(renamed)).to.be.above(500);
  });
});
