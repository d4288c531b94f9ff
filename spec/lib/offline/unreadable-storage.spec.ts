import { expect } from "chai";
import { Atmos, type ErrorPayload } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";

/**
 * Found by a review at the network's edge: a stored record whose text was
 * cut short (a disk error, a hand edit, another program) vanished from the
 * page with no word, and with it the unsent create it held. It is still
 * not loaded (it cannot be read), and left in storage as it is, but an
 * `error` names its key and what to do, and everything else loads.
 */
describe("offline: a stored record that is not JSON any more", () => {
  let rails: RailsScaffoldServer;
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    storage = new MemoryStorage();
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  const open = () => {
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    const errors: ErrorPayload[] = [];
    atmos.on("error", (payload) => errors.push(payload));
    return errors;
  };

  it("names the key in an error after a reload, loads the rest, and leaves the text as it was", async () => {
    open();
    new Todo({ title: "synced" }).save({ remote: true });
    await atmos.whenSynced();
    const waiting = new Todo({ title: "waiting" });
    waiting.save();
    const key = `atmos2:rec:Todo:${waiting.id}`;
    const cut = storage.getItem(key)!.slice(0, 25);
    storage.setItem(key, cut);

    atmos.close();
    resetModels();
    const errors = open();
    await Todo.sync();
    expect(Todo.all().map((todo) => todo.title)).to.deep.equal(["synced"]);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ model: "Todo", record: null, status: 0, type: "parse" });
    expect(errors[0].error.message).to.equal(
      `atmos2: storage key "${key}" does not hold JSON any more (cut short, or written by another program), so atmos2 did not load it and leaves it as it is; if it held a change not yet sent, copy what you need from it, then remove it (storage.removeItem("${key}"))`,
    );
    expect(storage.getItem(key)).to.equal(cut);
  });
});
