import { expect } from "chai";
import { Atmos } from "../../lib";
import { DelayedStore } from "../fakes/delayed-store";
import { MemoryStorage } from "../fakes/memory-storage";
import { MemoryStore } from "../fakes/memory-store";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";
import { runNodeScript } from "../support/node-script";
import { resetModels, Todo } from "./models";
import { railsAtmos } from "./rails-atmos";

const closedError = /Atmos was closed.*new Atmos\(/;

/**
 * API.md: "atmos.close() stops timers, sockets and sending". Once the Atmos
 * the models used is closed (and no new one made), the models still read
 * what it knew, but sending or pulling through them throws, saying so,
 * instead of quietly starting a default Atmos on other storage with no base
 * or routes (whose answers would be wrong: a synced record said "local").
 */
describe("extended models after atmos.close()", () => {
  let rails: RailsScaffoldServer;
  let storage: MemoryStorage;
  let atmos: Atmos;
  let next: Atmos | undefined;
  let todo: Todo;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    todo = new Todo({ title: "sent" });
    todo.save({ remote: true });
    await atmos.whenSynced();
    atmos.close();
  });
  afterEach(async () => {
    next?.close();
    next = undefined;
    atmos.close();
    await rails.close();
  });

  it("answers syncState(), dirty(), destroyedIds() and sync() as the closed Atmos left them, without starting another", async () => {
    expect((Todo.find(todo.id) as any).syncState()).to.equal("synced");
    expect((Todo as any).dirty()).to.deep.equal([]);
    expect((Todo as any).destroyedIds()).to.deep.equal([]);
    const records = await (Todo as any).sync();
    expect(records.map((t: Todo) => t.title)).to.deep.equal(["sent"]);
    expect(Atmos.instance).to.equal(undefined);
  });

  it("throws from push() and sync({ remote: true }), saying the Atmos was closed and to make a new one", () => {
    const before = rails.requests.length;
    expect(() => (Todo as any).push()).to.throw(Error, closedError);
    expect(() => (Todo as any).sync({ remote: true })).to.throw(Error, closedError);
    expect(rails.requests.length).to.equal(before);
    expect(Atmos.instance).to.equal(undefined);
  });

  it("sends nothing for save({ remote: true }) or destroy({ remote: true }), and throws", async () => {
    const before = rails.requests.length;
    const edit = Todo.first() as Todo;
    edit.title = "after close";
    expect(() => edit.save({ remote: true })).to.throw(Error, closedError);
    expect(() => new Todo({ title: "new" }).save({ remote: true })).to.throw(Error, closedError);
    expect(() => (Todo.first() as Todo).destroy({ remote: true })).to.throw(Error, closedError);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rails.requests.length).to.equal(before);
    expect(Atmos.instance).to.equal(undefined);
  });

  it("lets Spine's own calls change Spine's memory only, as before any Atmos: nothing stored, no Atmos started", () => {
    const keys = storage.keys().sort();
    const stored = keys.map((key) => storage.getItem(key));
    const local = new Todo({ title: "in memory" });
    local.save();
    const edit = Todo.find(todo.id) as Todo;
    edit.title = "edited in memory";
    edit.save();
    Todo.refresh([{ id: "r1", title: "refreshed" }]);
    (Todo.find("r1") as Todo).destroy();

    expect(Todo.all().map((t) => t.title).sort()).to.deep.equal(["edited in memory", "in memory"]);
    expect(storage.keys().sort()).to.deep.equal(keys);
    expect(keys.map((key) => storage.getItem(key))).to.deep.equal(stored);
    expect(Atmos.instance).to.equal(undefined);
  });

  it("works again with a new Atmos", async () => {
    next = new Atmos({ storage });
    next.resourceClient.base = rails.url;
    const edit = Todo.find(todo.id) as Todo;
    expect((edit as any).syncState()).to.equal("synced");
    edit.title = "v2";
    edit.save({ remote: true });
    await next.whenSynced();
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["v2"]);
  });
});

describe("extended models before any Atmos was made", () => {
  it("start a default Atmos on globalThis.localStorage at the first save, as the README's setup does", async () => {
    const result = await runNodeScript(`
      require("localstorage-polyfill");
      const Spine = require("spine");
      const { Atmos } = require("./lib");
      class Note extends Spine.Model {}
      Note.configure("Note", "title");
      Note.extend(Spine.Model.Atmosphere);
      const note = new Note({ title: "a" });
      note.save();
      console.log(JSON.stringify({ made: Atmos.instance instanceof Atmos, state: note.syncState(), stored: Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k) => k.startsWith("atmos2:rec:Note:")).length }));
      Atmos.instance.close();
    `);
    expect(result.code).to.equal(0, result.stderr);
    expect(JSON.parse(result.stdout)).to.deep.equal({ made: true, state: "local", stored: 1 });
  });
});

/**
 * API.md: "atmos.close() stops timers, sockets and sending". The closed Atmos
 * itself refuses what would send, or change what it stored, with the error
 * the models throw after close: nothing reaches the server, no state changes,
 * and no Promise is left pending forever (a Node script awaiting one would
 * exit silently).
 */
describe("a closed Atmos", () => {
  const app = railsAtmos();
  let unsent: Todo;
  let parked: Todo;

  beforeEach(async () => {
    app.rails.failNext(422, { title: ["is taken"] });
    parked = new Todo({ title: "parked" });
    parked.save({ remote: true });
    await app.atmos.whenSynced();
    unsent = new Todo({ title: "local" });
    unsent.save();
    app.atmos.close();
  });

  const rejection = (call: () => Promise<unknown>) =>
    Promise.race([
      Promise.resolve().then(call).then((value) => ({ resolved: value }), (error: Error) => error),
      new Promise((resolve) => setTimeout(() => resolve("still pending after 1 s"), 1000)),
    ]);

  it("rejects push(), retry(), revert(), whenSynced() and rc.execute() saying it was closed, sends nothing and changes nothing", async () => {
    const before = app.rails.requests.length;
    const states = () => [(unsent as any).syncState(), (parked as any).syncState(), app.atmos.outbox().length];
    const was = states();
    expect(was).to.deep.equal(["local", "failed", 2]);
    const results = [
      await rejection(() => app.atmos.push()),
      await rejection(() => app.atmos.retry(parked)),
      await rejection(() => app.atmos.revert(parked)),
      await rejection(() => app.atmos.whenSynced()),
      await rejection(() => app.atmos.resourceClient.execute({ method: "POST", path: "/todos", data: { title: "x" } })),
    ];
    for (const result of results) expect(result).to.be.an("error").with.property("message").that.matches(closedError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.rails.requests.length).to.equal(before);
    expect(states()).to.deep.equal(was);
    expect(Todo.find(parked.id).title).to.equal("parked");
  });

  it("still answers sync() of the local records", async () => {
    const records = await app.atmos.sync("Todo");
    expect(records.map((t: any) => t.title).sort()).to.deep.equal(["local", "parked"]);
    const remote = await rejection(() => app.atmos.sync("Todo", { remote: true }));
    expect(remote).to.be.an("error").with.property("message").that.matches(closedError);
  });
});

describe("an Atmos closed before its store was read", () => {
  it("never starts competing for the sending lease (it would hold it for good, and no other tab would send)", async () => {
    const started: string[] = [];
    const lease = { held: false, decided: Promise.resolve(), start: () => void started.push("start"), release: () => void started.push("release") };
    const slow = new DelayedStore(new MemoryStore(), 30);
    const atmos = new Atmos({ store: slow, lease });
    atmos.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(started).to.deep.equal(["release"]);
  });
});
