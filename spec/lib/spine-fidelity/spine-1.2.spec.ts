import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { reloadPage } from "./page-reload";
import { resetTwins, twinPairs, type Twin } from "./twin-models";

/**
 * Where Spine 1.2 differs from 1.6 in what reaches its records, each case
 * run on plain Spine 1.2.2 (the reference) and on an extended model, then
 * reloaded: the extended model comes back as Spine held it. Found by the
 * fidelity property once it ran on Spine 1.2.2 too.
 */
describe("Spine 1.2: calls that change records without the events 1.6 fires", () => {
  const pair = twinPairs.find((p) => p.spine === "1.2.2")!;
  const extended = pair.extended;
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    resetTwins(pair);
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    await atmos.metaContext.ready;
  });
  afterEach(() => atmos.close());

  const shown = (twin: Twin) => twin.Album.all().map((a: any) => a.attributes());
  const both = (run: (twin: Twin) => void) => {
    const views = [pair.plain, extended].map((twin) => {
      run(twin);
      return shown(twin).map((a: any) => ({ ...a, id: /^c-\d+$/.test(a.id) || a.id.length > 30 ? "(minted)" : a.id }));
    });
    expect(views[1], "the extended model shows what plain Spine shows").to.deep.equal(views[0]);
    return shown(extended);
  };
  const reload = async () => {
    atmos = await reloadPage(atmos, storage, [extended.Album, extended.Photo]);
    return shown(extended);
  };

  it("keeps a record under the id record.refresh(data) gave it, once", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.refresh({ id: "r1", title: "from the server" });
    });
    expect(before).to.deep.equal([{ id: "r1", title: "from the server" }]);
    expect(await reload()).to.deep.equal(before);
  });

  it("keeps the record a changeID creates when no record had the object's id (1.2's changeID saves)", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "a" });
      album.save();
      twin.Album.destroyAll();
      album.changeID("r1");
    });
    expect(before).to.deep.equal([{ id: "r1", title: "a" }]);
    expect(await reload()).to.deep.equal(before);
  });

  it("keeps the attributes a changeID's save loads from the object into the record", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "old" });
      album.save();
      const clone = twin.Album.find(album.id);
      clone.title = "new";
      clone.save();
      album.changeID("r1"); // saves `album`, whose title is still "old"
    });
    expect(before).to.deep.equal([{ id: "r1", title: "old" }]);
    expect(await reload()).to.deep.equal(before);
  });

  it("keeps nothing for a record.refresh that reaches a destroyed record through an id its index kept", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.changeID("r2");
      album.refresh({ id: "r1" });
      twin.Album.destroyAll();
      album.refresh({ title: "late" }); // Spine's index still leads r2 to the destroyed record
    });
    expect(before).to.deep.equal([]);
    expect(await reload()).to.deep.equal([]);
  });

  it("follows a clone's refresh to a new id when the record's own index entries are gone", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.changeID("r1");
      twin.Album.find("r1").changeID("r3");
      album.updateAttributes({ title: "b" }); // a second record of the same cid, under r1
      twin.Album.find("r3").destroy(); // also drops the cid's index entry
      twin.Album.find("r1").refresh({ id: "r3" });
    });
    expect(before).to.deep.equal([{ id: "r3", title: "b" }]);
    expect(await reload()).to.deep.equal(before);
  });

  it("forgets a record Model.refresh replaced because the index held it under an incoming id", async () => {
    const before = both((twin) => {
      const album = new twin.Album({ title: "a" });
      album.save();
      twin.Album.find(album.id).changeID("r1");
      album.save(); // back under its own id; Spine's index still leads r1 to it
      twin.Album.refresh([{ id: "r1", title: "from the server" }]);
    });
    expect(before).to.deep.equal([{ id: "r1", title: "from the server" }]);
    expect(await reload()).to.deep.equal(before);
  });
});
