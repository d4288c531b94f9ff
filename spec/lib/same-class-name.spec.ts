import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";

/**
 * A test suite of several files, each declaring its own `class Chore` at
 * the top (mocha loads every file before it runs any test), or an app that
 * defines a model again after a hot reload: two extended classes share one
 * class name. The one the app is using is the one atmos2 shows records in
 * and gives the server's answers to. (A class name no other spec uses: the
 * library specs share their models, spec/lib/models.ts.)
 */
function declareChore() {
  class Chore extends Spine.Model {
    declare title: string;
  }
  Chore.configure("Chore", "title");
  Chore.extend(Spine.Model.Atmosphere as object);
  return Chore;
}

const first = declareChore();
const second = declareChore();

describe("two model classes with the same class name (one per spec file)", () => {
  let rails: RailsScaffoldServer;
  let atmos: Atmos;
  beforeEach(async () => {
    for (const model of [first, second]) model.deleteAll();
    rails = await startRailsScaffoldServer();
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = rails.url;
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("gives the server's id to the record of the class that saved it, the one declared first", async () => {
    const chore = new first({ title: "Sweep" });
    chore.save({ remote: true });
    await atmos.whenSynced();
    expect(first.all().map((c) => [c.id, c.title])).to.deep.equal([["1", "Sweep"]]);
    expect(first.first()!.syncState()).to.equal("synced");
    expect(second.all()).to.deep.equal([]);
  });

  it("fills the class Chore.sync() is called on, with records of that class", async () => {
    rails.seed("chores", [{ title: "Dust" }]);
    const records = await first.sync({ remote: true });
    expect(records.map((r) => r instanceof first)).to.deep.equal([true]);
    expect(first.all().map((c) => c.title)).to.deep.equal(["Dust"]);
    expect(second.all()).to.deep.equal([]);
  });

  it("follows the app from one class to the other and back", async () => {
    new second({ title: "Mop" }).save({ remote: true });
    await atmos.whenSynced();
    expect(second.all().map((c) => c.id)).to.deep.equal(["1"]);
    new first({ title: "Iron" }).save({ remote: true });
    await atmos.whenSynced();
    expect(first.all().map((c) => [c.id, c.title])).to.deep.equal([["2", "Iron"]]);
    expect(first.dirty()).to.deep.equal([]);
  });
});
