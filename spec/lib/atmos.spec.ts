import { expect } from "chai";
import { Atmos, SyncError, type AtmosEvents, type ErrorPayload } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";
import { startTasksTestServer, type TasksTestServer } from "../servers/tasks-test-server";
import { tasksClient } from "../servers/tasks-client";
import { refusingBase } from "../servers/listen";
import { googleRoutes, models, resetModels, Task, Todo } from "./models";

/** The next `name` event of atmos. */
function next<T = ErrorPayload>(atmos: Atmos, name: keyof AtmosEvents): Promise<T> {
  return new Promise((resolve) => {
    const off = atmos.on(name, (payload) => {
      off();
      resolve(payload as T);
    });
  });
}

/** Runtime failures: events, callbacks, rejected Promises, and nothing local lost. */
describe("Atmos errors and events", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(() => {
    resetModels();
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
  });
  afterEach(() => atmos.close());

  describe("against the Google-compatible tasks API", () => {
    let tasks: TasksTestServer;
    beforeEach(async () => {
      tasks = await startTasksTestServer();
      atmos.resourceClient.base = tasks.base;
      atmos.resourceClient.routes = googleRoutes;
    });
    afterEach(() => tasks.close({ removeFile: true }));

    it("emits auth_fail on 401, holds the change, and sends it after resume() with auth_success", async () => {
      const list = await tasksClient(tasks).createList();
      atmos.resourceClient.addHeader("Authorization", "Bearer expired");
      const failed = next(atmos, "auth_fail");
      new Task({ title: "milk", taskListID: list.id }).save({ remote: true });
      const payload = await failed;
      expect(payload).to.include({ model: "Task", status: 401 });
      expect((Task.first() as any).syncState()).to.equal("pending");

      atmos.resourceClient.addHeader("Authorization", `Bearer ${tasks.token}`);
      const success = next<void>(atmos, "auth_success");
      atmos.resume();
      await success;
      await atmos.whenSynced();
      expect((Task.first() as any).syncState()).to.equal("synced");
      expect(await tasksClient(tasks).all(`/lists/${list.id}/tasks`)).to.have.length(1);
    });

    it("sends again when the app refreshes the token and calls resume() inside its auth_fail listener", async () => {
      const list = await tasksClient(tasks).createList();
      atmos.resourceClient.addHeader("Authorization", "Bearer expired");
      atmos.on("auth_fail", () => {
        atmos.resourceClient.addHeader("Authorization", `Bearer ${tasks.token}`);
        atmos.resume();
      });
      new Task({ title: "milk", taskListID: list.id }).save({ remote: true });
      await atmos.whenSynced();
      expect((Task.first() as any).syncState()).to.equal("synced");
      expect(await tasksClient(tasks).all(`/lists/${list.id}/tasks`)).to.have.length(1);
    });

    it("emits error with { model, record, status, body, error } for a Google error answer, and calls the error callback with it", async () => {
      atmos.resourceClient.addHeader("Authorization", `Bearer ${tasks.token}`);
      const emitted = next(atmos, "error");
      let fromCallback: ErrorPayload | undefined;
      new Task({ title: "milk", taskListID: "no-such-list" }).save({ remote: true, error: (_: unknown, p: ErrorPayload) => (fromCallback = p) });
      const payload = await emitted;
      expect(payload.model).to.equal("Task");
      expect((payload.record as any).title).to.equal("milk");
      expect(payload.status).to.equal(404);
      expect((payload.body as any).error.code).to.equal(404);
      expect(payload.error).to.be.instanceOf(Error);
      expect(payload.error.message).to.contain((payload.body as any).error.message);
      await atmos.whenSynced();
      expect(fromCallback).to.equal(payload);
    });
  });

  describe("against a Rails scaffold", () => {
    let rails: RailsScaffoldServer;
    beforeEach(async () => {
      rails = await startRailsScaffoldServer();
      atmos.resourceClient.base = rails.url;
    });
    afterEach(() => rails.close());

    it("emits error with Rails' 422 hash as the body, and keeps the record the server refused", async () => {
      const emitted = next(atmos, "error");
      const todo = new Todo({ title: "" });
      todo.save({ remote: true });
      const payload = await emitted;
      expect(payload).to.include({ model: "Todo", status: 422 });
      expect(payload.body).to.deep.equal({ title: ["can't be blank"] });
      expect(payload.error.message).to.match(/title can't be blank/);
      await atmos.whenSynced();
      expect(Todo.exists(todo.id)).to.equal(true);
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
      expect(storage.getItem(`atmos2:rec:Todo:${todo.id}`)).to.be.a("string");
      expect(rails.records("todos")).to.deep.equal([]);
    });

    it("gives an HTML error page as text, then retries the transient failure", async () => {
      rails.failNext(500, "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong</title></head><body>…</body></html>");
      const emitted = next(atmos, "error");
      new Todo({ title: "a" }).save({ remote: true });
      const payload = await emitted;
      expect(payload.status).to.equal(500);
      expect(payload.body).to.be.a("string").and.contain("<html>");
      expect(payload.error.message).to.contain("We're sorry, but something went wrong");
      // Failed (a 500 is not an offline status), and sent again: push() skips the backoff.
      await atmos.whenSynced();
      expect((Todo.first() as any).syncState()).to.equal("failed");
      await atmos.push();
      expect(rails.records("todos").map((t) => t.title)).to.deep.equal(["a"]);
      expect((Todo.first() as any).syncState()).to.equal("synced");
    });

    it("rejects a pulled page with a record lacking its id, naming model and field, and stores nothing from it", async () => {
      rails.failNext(200, [{ id: 1, title: "fine" }, { title: "no id" }]);
      const emitted = next(atmos, "error");
      let failure: Error | undefined;
      try {
        await models.Todo.sync({ remote: true });
      } catch (error) {
        failure = error as Error;
      }
      expect(failure?.message).to.match(/Todo/).and.match(/"id"/);
      expect((await emitted).error.message).to.equal(failure!.message);
      expect(Todo.all()).to.deep.equal([]);
      expect(storage.keys().filter((k) => k.startsWith("atmos2:rec:"))).to.deep.equal([]);
    });

    it("rejects a create answer lacking the id field, keeping the local record as it was", async () => {
      rails.failNext(201, { title: "server's title" });
      const emitted = next(atmos, "error");
      const todo = new Todo({ title: "mine" });
      todo.save({ remote: true });
      const payload = await emitted;
      expect(payload.error.message).to.match(/Todo/).and.match(/"id"/);
      await atmos.whenSynced();
      expect(Todo.find(todo.id).title).to.equal("mine");
      expect(JSON.parse(storage.getItem(`atmos2:rec:Todo:${todo.id}`)!)).to.deep.include({ acked: false });
    });

    it("turns malformed JSON into an error event and a rejected sync, not a crash", async () => {
      rails.failNext(200, '[{"id": 1, "title": "cut', "application/json");
      const emitted = next(atmos, "error");
      let failure: any;
      try {
        await models.Todo.sync({ remote: true });
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(SyncError);
      expect(failure.message).to.match(/malformed JSON/);
      expect((await emitted).body).to.equal('[{"id": 1, "title": "cut');
      rails.seed("todos", [{ title: "later" }]);
      expect((await models.Todo.sync({ remote: true })).map((t) => t.title)).to.deep.equal(["later"]);
    });

    it("calls a malformed body malformed JSON, not an HTML page, whatever Content-Type the server claims", async () => {
      rails.failNext(200, "{not json", "text/html");
      const failure = await models.Todo.sync({ remote: true }).then(() => undefined, (error: Error) => error);
      expect(failure?.message).to.match(/malformed JSON/).and.not.match(/HTML/);
      rails.failNext(200, "<!doctype html><title>Sign in</title>", "text/plain");
      const page = await models.Todo.sync({ remote: true }).then(() => undefined, (error: Error) => error);
      expect(page?.message).to.match(/an HTML page, not JSON/);
    });

    it("keeps the change and goes offline when the server commits but drops the connection, then sends it once", async () => {
      rails.dropNext();
      const offline = next<void>(atmos, "offline");
      const emitted = next(atmos, "error");
      new Todo({ title: "once" }).save({ remote: true });
      expect((await emitted).status).to.equal(0);
      await offline;
      expect(atmos.status().online).to.equal(false);
      expect((Todo.first() as any).syncState()).to.equal("pending");
      const online = next<void>(atmos, "online");
      await atmos.whenSynced();
      await online;
      expect(rails.records("todos").map((t) => t.title)).to.deep.equal(["once"]);
      expect(Todo.first()!.id).to.equal(String(rails.records("todos")[0].id));
    });

    it("treats the statuses in a custom offlineStatusCodes (array or function) as offline", async () => {
      atmos.offlineStatusCodes = [500];
      rails.failNext(500, { error: "maintenance" });
      const offline = next<void>(atmos, "offline");
      new Todo({ title: "a" }).save({ remote: true });
      await offline;
      await atmos.whenSynced();

      atmos.offlineStatusCodes = (response) => response.status === 418;
      rails.failNext(418, { error: "teapot" });
      const again = next<void>(atmos, "offline");
      new Todo({ title: "b" }).save({ remote: true });
      await again;
      await atmos.whenSynced();
      expect(rails.records("todos").map((t) => t.title)).to.deep.equal(["a", "b"]);
    });
  });

  it("rejects sync({ remote: true }) and goes offline when the server cannot be reached, keeping local records", async () => {
    atmos.resourceClient.base = await refusingBase();
    new Todo({ title: "mine" }).save();
    await atmos.whenSynced();
    const offline = next<void>(atmos, "offline");
    const emitted = next(atmos, "error");
    let failure: any;
    try {
      await models.Todo.sync({ remote: true });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(SyncError);
    expect(failure.status).to.equal(0);
    expect((await emitted)).to.include({ model: "Todo", status: 0, record: null });
    await offline;
    expect(Todo.all().map((t) => t.title)).to.deep.equal(["mine"]);
  });

  describe("programmer errors", () => {
    beforeEach(() => {
      atmos.resourceClient.base = "http://127.0.0.1:1";
      atmos.resourceClient.routes = googleRoutes;
    });

    it("throws from save({ remote: true }) naming the route and the missing parameter", () => {
      const task = new Task({ title: "no list" });
      expect(() => task.save({ remote: true })).to.throw(Error, /POST \/lists\/:taskListID\/tasks.*:taskListID/);
    });

    it("throws from save({ remote: true }) when a create route asks for :id, which a record has no remote value for yet", () => {
      atmos.resourceClient.routes = { Todo: { create: "PUT /todos/:id" } };
      const todo = new Todo({ title: "client id" });
      expect(() => todo.save({ remote: true })).to.throw(Error, /PUT \/todos\/:id.*:id; a record being created has no remote id yet/);
      expect((todo as any).syncState()).to.equal("local");
    });

    it("throws from sync({ remote: true }) naming the route and the missing parameter", async () => {
      let failure: Error | undefined;
      try {
        await models.Task.sync({ remote: true });
      } catch (error) {
        failure = error as Error;
      }
      expect(failure?.message).to.match(/GET \/lists\/:taskListID\/tasks.*:taskListID/);
    });
  });

  it("emits error of type quota when storage is full, and damages nothing stored before", async () => {
    for (let i = 0; i < 5; i++) new Todo({ title: `todo ${i}` }).save();
    await atmos.whenSynced();
    const before = Object.fromEntries(storage.keys().map((k) => [k, storage.getItem(k)]));
    storage.quota = Object.entries(before).reduce((n, [k, v]) => n + k.length + v!.length, 0) + 50;
    const emitted = next(atmos, "error");
    const edited = Todo.all()[2];
    edited.title = "x".repeat(500);
    edited.save();
    new Todo({ title: "y".repeat(500) }).save();
    const payload = await emitted;
    expect(payload.type).to.equal("quota");
    expect(payload.error.message).to.match(/storage is full/);
    expect(Object.fromEntries(storage.keys().map((k) => [k, storage.getItem(k)]))).to.deep.equal(before);
    expect(Todo.count()).to.equal(6);
  });
});
