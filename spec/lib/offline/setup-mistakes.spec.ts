import { expect } from "chai";
import type { ErrorPayload } from "../../../lib";
import { Task, Todo } from "../models";
import { railsPage, recordEvents } from "./offline-page";

/**
 * A change that cannot even be sent (a missing path parameter, a typo in the
 * routes, a beforeRequest hook that throws) is a setup mistake: it is parked
 * with an error naming what to fix. It is never taken for the network being
 * down, so it neither says "offline" nor holds back anybody else's changes.
 */
describe("offline: a change that cannot be sent for a setup mistake is parked, not taken for offline", () => {
  const fixture = railsPage();
  beforeEach(() => {
    fixture.page.atmos.resourceClient.routes = { Task: { create: "POST /lists/:taskListID/tasks", update: "PUT /lists/:taskListID/tasks/:id" } };
  });

  const sent = () => fixture.rails.requests.map((r) => `${r.method} ${r.path}`);
  const task = (id: string) => Task.find(id) as Task & { syncState(): string };
  /** Saves a todo with `remote: true` under the set-up `configure` makes; what the page heard once it settled. */
  async function saveTodo(title: string, configure: (rc: typeof fixture.page.atmos.resourceClient) => void) {
    const { page } = fixture;
    const errors = recordEvents(page.atmos, "error");
    const offline = recordEvents(page.atmos, "offline");
    configure(page.atmos.resourceClient);
    const todo = new Todo({ title });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    return { errors, offline, state: (Todo.find(todo.id) as any).syncState() as string };
  }

  it("parks a task saved locally without the :taskListID its create route needs, and still sends another model's change", async () => {
    const errors = recordEvents(fixture.page.atmos, "error");
    const offline = recordEvents(fixture.page.atmos, "offline");
    const fromCallback: ErrorPayload[] = [];
    const orphan = new Task({ title: "no list" });
    orphan.save({ error: (_record: unknown, payload: ErrorPayload) => fromCallback.push(payload) });
    await fixture.page.atmos.push();

    const todo = new Todo({ title: "unrelated" });
    todo.save({ remote: true });
    await fixture.page.atmos.whenSynced();

    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ model: "Task", status: 0, type: "config" });
    expect(errors[0].error.message).to.match(/POST \/lists\/:taskListID\/tasks.*:taskListID/);
    expect(errors[0].error.message, "one prefix, as thrown (it names the model already)").to.match(/^atmos2: route /);
    expect(fromCallback).to.have.length(1);
    expect(fromCallback[0].error.message).to.match(/:taskListID/);
    expect(offline, "a setup mistake is not the network").to.deep.equal([]);
    expect(fixture.page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 1, online: true });
    expect(task(orphan.id).syncState()).to.equal("failed");
    expect((Todo.find(todo.id) as any).syncState()).to.equal("synced");
    // Parked: no timer tries it again by itself, and push() leaves it too.
    await fixture.clock.runAll();
    await fixture.page.atmos.push();
    expect(sent()).to.deep.equal(["POST /todos"]);
    expect(errors).to.have.length(1);
  });

  it("after save({ remote: true }) threw for the missing parameter, push() parks the task instead of jamming, and retry() sends it once fixed", async () => {
    const orphan = new Task({ title: "no list yet" });
    expect(() => orphan.save({ remote: true })).to.throw(Error, /:taskListID/);
    const offline = recordEvents(fixture.page.atmos, "offline");
    await fixture.page.atmos.push();
    expect(task(orphan.id).syncState()).to.equal("failed");

    new Todo({ title: "goes out meanwhile" }).save({ remote: true });
    await fixture.page.atmos.whenSynced();
    expect(sent()).to.deep.equal(["POST /todos"]);

    const fixed = task(orphan.id);
    fixed.taskListID = "7";
    fixed.save();
    await fixture.page.atmos.retry(fixed);
    expect(task(orphan.id).syncState()).to.equal("synced");
    expect(sent()).to.deep.equal(["POST /todos", "POST /lists/7/tasks"]);
    expect(fixture.rails.records("lists/7/tasks").map((t) => t.title)).to.deep.equal(["no list yet"]);
    expect(offline).to.deep.equal([]);
  });

  it("parks a change whose beforeRequest hook throws, with the hook's message, and says nothing of being offline", async () => {
    fixture.page.atmos.resourceClient.beforeRequest = (request, proceed) => {
      if (request.model === "Todo") throw new Error("no token for todos yet");
      proceed();
    };
    const errors = recordEvents(fixture.page.atmos, "error");
    const offline = recordEvents(fixture.page.atmos, "offline");
    const todo = new Todo({ title: "hooked" });
    todo.save({ remote: true });
    const listed = new Task({ title: "listed", taskListID: "3" });
    listed.save({ remote: true });
    await fixture.page.atmos.whenSynced();

    expect(errors.map((e) => [e.model, e.status, e.type])).to.deep.equal([["Todo", 0, "config"]]);
    expect(errors[0].error.message).to.contain("no token for todos yet");
    expect(offline).to.deep.equal([]);
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(task(listed.id).syncState()).to.equal("synced");
    expect(fixture.page.atmos.status().online).to.equal(true);
  });

  it("parks, at send time, a task whose routes entry was misspelled, naming the unknown key", async () => {
    const errors = recordEvents(fixture.page.atmos, "error");
    const offline = recordEvents(fixture.page.atmos, "offline");
    const orphan = new Task({ title: "saved before the routes were set" });
    orphan.save();
    fixture.page.atmos.resourceClient.routes = { Tsak: { create: "POST /lists/:taskListID/tasks" } };
    await fixture.page.atmos.push();

    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ model: "Task", type: "config" });
    expect(errors[0].error.message).to.match(/routes\.Tsak names no model extended with Spine\.Model\.Atmosphere/);
    expect(offline).to.deep.equal([]);
    expect(task(orphan.id).syncState()).to.equal("failed");
    expect(sent(), "not sent to the REST defaults instead").to.deep.equal([]);
  });

  it("parks a change whose URL carries a user name and password (which fetch refuses), saying to send them in a header", async () => {
    const { errors, offline, state } = await saveTodo("with credentials in the URL", (rc) => (rc.base = fixture.rails.url.replace("://", "://admin:secret@")));

    expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[0, "config"]]);
    expect(errors[0].error.message).to.match(/user name or password/).and.match(/header/).and.not.match(/secret/);
    expect(offline, "a setup mistake is not the network").to.deep.equal([]);
    expect(state).to.equal("failed");
  });
  it("parks a change whose base is protocol-relative outside a page, suggesting the base with http: in front", async () => {
    const { errors, offline } = await saveTodo("protocol-relative", (rc) => (rc.base = fixture.rails.url.replace("http:", "")));

    expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[0, "config"]]);
    expect(errors[0].error.message).to.contain(`set it to an absolute URL such as ${JSON.stringify(fixture.rails.url)}`);
    expect(offline).to.deep.equal([]);
  });

  // Found by an outside review: "127.0.0.1:45823" was read as a path and the
  // suggestion put the user's host after "http://localhost:3000/".
  for (const [what, strip] of [
    ["an IP address and port", (url: string) => url.replace("http://", "")],
    ["a host name and port", (url: string) => url.replace("http://127.0.0.1", "localhost")],
  ] as const) {
    it(`parks a change whose base is ${what} without http://, suggesting that base with http:// in front`, async () => {
      const { errors, offline } = await saveTodo(what, (rc) => (rc.base = strip(fixture.rails.url)));

      expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[0, "config"]]);
      expect(errors[0].error.message).to.contain(`set it to an absolute URL such as ${JSON.stringify(strip(fixture.rails.url).replace(/^/, "http://"))}`);
      expect(offline).to.deep.equal([]);
    });
  }

  it("parks a change sent to an absolute route fetch cannot parse (a port out of range), and says nothing of being offline", async () => {
    const { errors, offline, state } = await saveTodo("bad port", (rc) => (rc.routes = { Todo: { create: "POST http://localhost:99999/todos" } }));

    expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[0, "config"]]);
    expect(errors[0].error.message).to.contain('"http://localhost:99999/todos" is not a URL');
    expect(offline).to.deep.equal([]);
    expect(state).to.equal("failed");
  });

  // Found by a review at the network's edge: port 9 (and 6000, 6667…) is
  // one fetch will not connect to, and the change was retried forever as
  // if the network were down.
  it("parks a change sent to a port fetch refuses (Node), naming the port, and says nothing of being offline", async () => {
    const { errors, offline, state } = await saveTodo("blocked port", (rc) => (rc.base = "http://127.0.0.1:9/api"));

    expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[0, "config"]]);
    expect(errors[0].error.message).to.equal("Todo POST http://127.0.0.1:9/api/todos cannot be sent: fetch refuses to connect to port 9 (one of the ports blocked for safety); use another port in resourceClient.base or the routes");
    expect(offline).to.deep.equal([]);
    expect(state).to.equal("failed");
  });
});
