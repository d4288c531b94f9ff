import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo, models } from "../models";
import { refusingBase } from "../../servers/listen";

/** Records in storage: one key per record, and what a reloaded page gets back. */
describe("local persistence through Atmos", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;
  let rails: RailsScaffoldServer;

  const open = () => {
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    return atmos;
  };
  const reload = async () => {
    atmos.close();
    resetModels();
    open();
    return models.Todo.sync();
  };

  beforeEach(async () => {
    resetModels();
    storage = new MemoryStorage();
    rails = await startRailsScaffoldServer();
    open();
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("writes exactly one storage key when one record of 1,000 is saved", async () => {
    for (let i = 0; i < 1000; i++) new Todo({ title: `todo ${i}` }).save();
    await atmos.whenSynced();
    expect(storage.keys().filter((k) => k.startsWith("atmos2:rec:Todo:"))).to.have.length(1000);
    storage.writes = 0;
    const one = Todo.all()[500];
    one.title = "edited";
    one.save();
    await atmos.whenSynced();
    expect(storage.writes).to.equal(1);
  });

  it("has a save in storage when save() returns, with nothing awaited", () => {
    const todo = new Todo({ title: "milk" });
    todo.save();
    expect(JSON.parse(storage.getItem(`atmos2:rec:Todo:${todo.id}`)!).attrs).to.include({ title: "milk" });
    todo.title = "oat milk";
    todo.save();
    expect(JSON.parse(storage.getItem(`atmos2:rec:Todo:${todo.id}`)!).attrs).to.include({ title: "oat milk" });
  });

  it("gives a reloaded page every record back with Task.sync()", async () => {
    for (let i = 0; i < 20; i++) new Todo({ title: `todo ${i}`, done: i % 2 === 0 }).save();
    await atmos.whenSynced();
    const before = Todo.all().map((t) => t.attributes());
    const records = await reload();
    expect(records.map((t) => t.attributes())).to.have.deep.members(before);
    expect(Todo.all().map((t) => t.attributes())).to.have.deep.members(before);
  });

  it("gives a reloaded page the sync state of every record back", async () => {
    const synced = new Todo({ title: "on the server" });
    synced.save({ remote: true });
    await atmos.whenSynced();
    rails.failNext(422, { title: ["is taken"] });
    const failed = new Todo({ title: "rejected" });
    failed.save({ remote: true });
    await atmos.push();
    new Todo({ title: "only here" }).save();
    const pending = new Todo({ title: "not sent yet" });
    const down = await refusingBase();
    atmos.resourceClient.base = down; // nothing listens there: stays queued
    pending.save({ remote: true });
    await new Promise<void>((resolve) => atmos.on("offline", () => resolve()));
    const states = () => Object.fromEntries(Todo.all().map((t: any) => [t.title, t.syncState()]));
    const expected = { "on the server": "synced", rejected: "failed", "only here": "local", "not sent yet": "pending" };
    expect(states()).to.deep.equal(expected);
    await atmos.metaContext.flush();

    atmos.close();
    resetModels();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = down;
    await models.Todo.sync();
    expect(states()).to.deep.equal(expected);
  });

  it("reloads an acknowledged record as known to the server, under its server id", async () => {
    const todo = new Todo({ title: "a" });
    todo.save({ remote: true });
    await atmos.whenSynced();
    const serverId = String(rails.records("todos")[0].id);
    await reload();
    expect(Todo.find(serverId).title).to.equal("a");
    expect((Todo.find(serverId) as any).syncState()).to.equal("synced");
  });

  it("ignores a malformed value stored under its prefix and loads the rest", async () => {
    new Todo({ title: "good" }).save();
    await atmos.whenSynced();
    storage.setItem("atmos2:rec:Todo:broken", "{oops");
    storage.setItem("atmos2:rec:Todo:not-an-entry", JSON.stringify(42));
    const records = await reload();
    expect(records.map((t) => t.title)).to.deep.equal(["good"]);
  });
});
