import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";

/** A model of its own: its class name is registered for every Atmos of the run. */
class Basket extends Spine.Model {
  declare title: string;
  declare items: string[];
  declare meta: { colour?: string; size?: number };
}
Basket.configure("Basket", "title", "items", "meta");
Basket.extend(Spine.Model.Atmosphere as object);
const Synced = Basket as unknown as { sync(options?: object): Promise<unknown>; push(): Promise<unknown> };
type Saved = Basket & { save(options?: object): unknown; syncState(): string };

/**
 * Apps edit arrays and objects in place (`basket.items.push("b")`) and then
 * save. The stored record shared those arrays with Spine's, so the edit had
 * already changed "the stored version" the save compares against: a plain
 * save found nothing changed (not stored, not marked unsent, gone after a
 * reload), a conflict merge took the server's value for the field, and an
 * edit made while an earlier save was out was overwritten by its answer.
 * (Found by an outside review of the packed package.)
 */
describe("a record whose array or object the app edits in place, then saves", () => {
  let rails: RailsScaffoldServer;
  let storage: MemoryStorage;
  let atmos: Atmos;
  const open = () => {
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    return atmos;
  };
  const reload = async () => {
    atmos.close();
    Basket.deleteAll();
    open();
    await Synced.sync();
  };
  const created = async () => {
    new Basket({ title: "fruit", items: ["apple"], meta: { colour: "red" } }).save({ remote: true });
    await atmos.whenSynced();
    return Basket.first() as Saved;
  };
  const server = () => rails.records("baskets")[0];

  beforeEach(async () => {
    Basket.deleteAll();
    rails = await startRailsScaffoldServer();
    storage = new MemoryStorage();
    open();
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("stores the edit with a plain save, marks it unsent, and keeps it after a reload", async () => {
    const basket = await created();
    basket.items.push("pear");
    basket.meta.size = 3;
    basket.save();

    expect(basket.syncState(), "the record").to.equal("local");
    await reload();
    const back = Basket.first() as Saved;
    expect([back.items, back.meta], "after a reload").to.deep.equal([["apple", "pear"], { colour: "red", size: 3 }]);
    await Synced.push();
    expect([server().items, server().meta], "the server's, after push()").to.deep.equal([["apple", "pear"], { colour: "red", size: 3 }]);
  });

  it("keeps the edit when a pull merges another device's change of another field", async () => {
    const basket = await created();
    const id = String(basket.id);
    rails.failNext(503, "down");
    basket.items.push("pear");
    basket.save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fetch(`${rails.url}/baskets/${id}.json`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ title: "fruit bowl" }) });

    await Synced.sync({ remote: true });
    const merged = Basket.find(id) as Saved;
    expect([merged.title, merged.items], "the page's, after the pull").to.deep.equal(["fruit bowl", ["apple", "pear"]]);
    await Synced.push();
    await atmos.whenSynced();
    expect([server().title, server().items], "the server's").to.deep.equal(["fruit bowl", ["apple", "pear"]]);
  });

  it("sends an edit made in place while the record's earlier save (an edit in place too) is out", async () => {
    const basket = await created();
    basket.items.push("pear");
    basket.save({ remote: true });
    while (!rails.requests.some((r) => r.method === "PUT")) await new Promise((resolve) => setTimeout(resolve, 1));
    const again = Basket.first() as Saved;
    again.items.push("plum");
    again.save({ remote: true });
    await atmos.whenSynced();

    expect(server().items, "the server's").to.deep.equal(["apple", "pear", "plum"]);
    expect((Basket.first() as Saved).items, "the page's").to.deep.equal(["apple", "pear", "plum"]);
  });
});
