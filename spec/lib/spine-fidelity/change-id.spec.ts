import { expect } from "chai";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { reloadPage } from "./page-reload";
import { extendedTwin, plainTwin, resetTwins, type Twin } from "./twin-models";

/**
 * `changeID` made through an object that is not Spine's own record (a clone
 * from `find`, or the object the app saved): Spine 1.6 moves only that
 * object and adds the new id to its index; the record stays shown under its
 * id until a save or refresh through the object moves it. Found by the
 * fidelity property (spine-fidelity.property.spec.ts); each case runs on
 * plain Spine too, which is the reference.
 */
describe("changeID through a clone or a kept object, as on plain Spine", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    resetTwins();
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    await atmos.metaContext.ready;
  });
  afterEach(() => atmos.close());

  const titles = (twin: Twin) => twin.Album.all().map((a: any) => a.title);
  const reload = async () => (atmos = await reloadPage(atmos, storage, [extendedTwin.Album, extendedTwin.Photo]));
  const shown = () => extendedTwin.Album.all().map((a: any) => ({ ...a.attributes() }));

  it("leaves the record shown under its id, and a reload gives it back there", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = twin.Album.create({ title: "a" });
      twin.Album.find(album.id).changeID("r1");
      expect(twin.Album.all().map((a: any) => a.id), twin.label).to.deep.equal([album.id]);
      expect(twin.Album.find("r1").id, twin.label).to.equal(album.id);
    }
    const before = shown();
    await reload();
    expect(shown()).to.deep.equal(before);
  });

  it("moves the record to the new id when the clone is saved, in Spine and in storage", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = twin.Album.create({ title: "a" });
      const clone = twin.Album.find(album.id);
      clone.changeID("r1");
      clone.title = "b";
      clone.save();
      expect(twin.Album.all().map((a: any) => a.attributes()), twin.label).to.deep.equal([{ id: "r1", title: "b" }]);
    }
    await reload();
    expect(shown()).to.deep.equal([{ id: "r1", title: "b" }]);
  });

  it("moves it when the kept object is refreshed, in Spine and in storage", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.changeID("r1");
      // An answer with the id, as Spine Ajax's refresh gets: Spine loads it into the record.
      album.refresh({ id: "r1", rank: 2 });
      expect(twin.Album.all().map((a: any) => a.attributes()), twin.label).to.deep.equal([{ id: "r1", title: "a", rank: 2 }]);
    }
    await reload();
    expect(shown()).to.deep.equal([{ id: "r1", title: "a", rank: 2 }]);
  });

  it("destroys the record for good when destroyed through the saved object after changeIDs left no record under its id", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      // An id the app gives (not Spine's cid, not one atmos2 minted): Spine's index forgets it on changeID.
      const album = new twin.Album({ id: "r3", title: "a" });
      album.save();
      twin.Album.find("r3").changeID("r1");
      // Spine holds no record under the object's id any more: this moves the object only.
      album.changeID("r2");
      // Spine's destroy still removes the record of the object's cid.
      album.destroy();
      expect(titles(twin), twin.label).to.deep.equal([]);
    }
    await reload();
    expect(shown()).to.deep.equal([]);
  });

  it("leaves another record where it is when changeID goes through an object whose record was destroyed", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const a = new twin.Album({ id: "x", title: "a" });
      a.save();
      a.changeID("r1");
      twin.Album.destroyAll();
      // Spine's index still holds the destroyed record under r1: these reach it, and Spine shows nothing.
      a.save();
      a.refresh({ id: "r3" });
      const b = new twin.Album({ id: "r1", title: "b" });
      b.save();
      a.changeID("r2");
      expect(twin.Album.all().map((album: any) => album.attributes()), twin.label).to.deep.equal([{ id: "r1", title: "b" }]);
    }
    await reload();
    expect(shown()).to.deep.equal([{ id: "r1", title: "b" }]);
  });

  it("keeps the record that took an id when a destroy through an older object of that id removes another record", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const a = new twin.Album({ title: "a" });
      a.save();
      const b = new twin.Album({ title: "b" });
      b.save();
      twin.Album.destroyAll();
      b.save();
      a.changeID("r3");
      b.changeID("r3");
      a.destroy(); // removes no record: none has a's cid or shows r3
      a.save(); // a comes back, under r3
      b.destroy(); // removes b's record (its cid), while b's id is r3
      expect(twin.Album.all().map((album: any) => album.attributes()), twin.label).to.deep.equal([{ id: "r3", title: "a" }]);
    }
    await reload();
    expect(shown()).to.deep.equal([{ id: "r3", title: "a" }]);
  });

  it("destroys the record for good when destroyed through the clone", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = twin.Album.create({ title: "a" });
      const clone = twin.Album.find(album.id);
      clone.changeID("r1");
      clone.destroy();
      expect(titles(twin), twin.label).to.deep.equal([]);
    }
    expect(extendedTwin.Album.dirty()).to.deep.equal([]);
    await reload();
    expect(shown()).to.deep.equal([]);
  });

  it("forgets the records of deleteAll() under the ids Spine showed them", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = twin.Album.create({ title: "a" });
      twin.Album.find(album.id).changeID("r1");
      twin.Album.deleteAll();
    }
    await reload();
    expect(shown()).to.deep.equal([]);
  });

  it("still finds the record under the id it is shown under, as plain Spine finds a record made on the page", () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = twin.Album.create({ title: "a" });
      twin.Album.find(album.id).changeID("r1");
      expect(twin.Album.find(album.id)?.title, twin.label).to.equal("a");
      twin.Album.find(album.id).updateAttribute("title", "b");
      expect(twin.Album.all().map((a: any) => a.attributes()), twin.label).to.deep.equal([{ id: album.id, title: "b" }]);
    }
  });

  it("forgets a loaded record's id after changeID through a clone, as plain Spine does", () => {
    for (const twin of [plainTwin, extendedTwin]) {
      twin.Album.refresh([{ id: "s1", title: "a" }]);
      twin.Album.find("s1").changeID("r1");
      expect(twin.Album.exists("s1"), twin.label).to.equal(false);
      expect(twin.Album.find("r1").id, twin.label).to.equal("s1");
    }
  });

  it("gives back after a reload a record that took the id another one left", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      twin.Album.refresh([{ id: "r3", title: "a" }]);
      twin.Album.find("r3").refresh({ id: "r1" });
      twin.Album.refresh([{ id: "r3", title: "b" }]);
      expect(twin.Album.all().map((a: any) => a.attributes()), twin.label).to.deep.equal([
        { id: "r1", title: "a" },
        { id: "r3", title: "b" },
      ]);
    }
    const before = shown();
    await reload();
    expect(shown()).to.have.deep.members(before);
  });

  it("keeps one record when Model.refresh merges two ids into it, as Spine does", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.changeID("r3");
      twin.Album.find(twin.Album.all()[0].id).changeID("r2");
      // Both ids lead to the one record: Spine refreshes it twice, and it ends as r2.
      twin.Album.refresh([{ id: "r3" }, { id: "r2", title: "b" }]);
      expect(twin.Album.all().map((a: any) => a.attributes()), twin.label).to.deep.equal([{ id: "r2", title: "b" }]);
    }
    await reload();
    expect(shown()).to.deep.equal([{ id: "r2", title: "b" }]);
  });

  it("keeps a record that an older object, sharing only its new id, fails to destroy (as Spine keeps it)", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const first = new twin.Album({ title: "a" });
      first.save();
      first.changeID("r3");
      first.destroy();
      const second = new twin.Album({ title: "b" });
      second.save();
      second.changeID("r3");
      // `first` reads r3 too, but Spine destroys only a record of its cid or shown id: none.
      first.destroy();
      expect(twin.Album.all().map((a: any) => a.title), twin.label).to.deep.equal(["b"]);
      expect(twin.Album.find(twin.Album.all()[0].id)?.title, twin.label).to.equal("b");
    }
    const before = shown();
    await reload();
    expect(shown()).to.deep.equal(before);
  });

  it("keeps nothing when a save reaches, through an id changeID left, a record already destroyed (Spine shows nothing)", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = new twin.Album({ title: "a" });
      album.save();
      album.changeID("r1");
      twin.Album.find(twin.Album.all()[0].id).destroy();
      album.updateAttributes({ title: "b" });
      expect(twin.Album.all(), twin.label).to.deep.equal([]);
    }
    await reload();
    expect(shown()).to.deep.equal([]);
  });

  it("moves nothing in storage when changeID is made through an object whose id Spine holds no record under", async () => {
    for (const twin of [plainTwin, extendedTwin]) {
      const album = new twin.Album({ title: "a" });
      album.save();
      // Spine's refresh loads a fresh record's cid into the record: the kept object's old id is then forgotten too.
      album.refresh({});
      twin.Album.find(album.id).changeID("r1");
      album.changeID("r3");
      expect(twin.Album.all().map((a: any) => a.id), twin.label).to.deep.equal([twin.Album.all()[0].id]);
    }
    const before = shown();
    await reload();
    expect(shown()).to.deep.equal(before);
  });
});
