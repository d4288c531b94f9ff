import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";

/**
 * Found by a new user: Spine's `configure` unbinds every listener of the
 * model, so a model configured again after `extend(Spine.Model.Atmosphere)`
 * (to add an attribute, or a subclass configured under its own name, as
 * Spine makes you) saved to Spine's memory only: nothing stored, nothing
 * sent, no error, and the record was gone after a reload. A configured
 * model stays extended.
 */
/** A saved record, as these specs look at it. */
type Saved = { id: unknown; syncState(): string };

describe("a model configured again after extend(Spine.Model.Atmosphere)", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(() => {
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
  });
  afterEach(() => atmos.close());

  const stored = (className: string, id: unknown) => {
    const json = storage.getItem(`atmos2:rec:${className}:${String(id)}`);
    return json ? JSON.parse(json).attrs : undefined;
  };
  /** Reads storage as the next page load does. */
  const reload = async (Model: { sync(options?: object): Promise<unknown>; deleteAll(): void }) => {
    atmos.close();
    Model.deleteAll();
    atmos = new Atmos({ storage });
    await Model.sync();
  };

  it("keeps storing its records, with the new attribute", async () => {
    class Shelf extends Spine.Model {}
    Shelf.configure("Shelf", "title");
    Shelf.extend(Spine.Model.Atmosphere as object);
    Shelf.configure("Shelf", "title", "colour");
    const shelf = new Shelf({ title: "books", colour: "oak" }).save() as unknown as Saved;
    expect(stored("Shelf", shelf.id)).to.include({ title: "books", colour: "oak" });
    await reload(Shelf as never);
    expect(Shelf.exists(String(shelf.id)), "after a reload").to.not.equal(false);
  });

  // Found by a Spine developer: Spine's configure calls deleteAll(), which
  // atmos2 takes for "clear this device": a module adding an attribute
  // while the app ran removed every stored record, unsent changes too.
  it("keeps the records it stored, unsent changes included, when configured again while the app runs", async () => {
    class Bin extends Spine.Model {}
    Bin.configure("Bin", "label");
    Bin.extend(Spine.Model.Atmosphere as object);
    const kept = new Bin({ label: "kept" }).save() as unknown as Saved;
    const queued = new Bin({ label: "queued" }).save({ remote: true } as never) as unknown as Saved;
    Bin.configure("Bin", "label", "size");
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect([stored("Bin", kept.id), stored("Bin", queued.id)], "storage").to.deep.equal([{ label: "kept", id: kept.id }, { label: "queued", id: queued.id }]);
    expect(atmos.dirty("Bin").sort(), "the unsent changes").to.deep.equal([kept.id, queued.id].sort());
    await (Bin as unknown as { sync(): Promise<unknown> }).sync();
    expect(Bin.all().map((bin) => (bin as unknown as { label: string }).label).sort(), "shown again by sync()").to.deep.equal(["kept", "queued"]);
    expect((Bin as unknown as { dirty(): Saved[] }).dirty(), "the unsent records").to.have.length(2);
    await reload(Bin as never);
    expect(Bin.all().length, "after a reload").to.equal(2);
  });

  it("queues a remote save to be sent", () => {
    class Crate extends Spine.Model {}
    Crate.configure("Crate", "label");
    Crate.extend(Spine.Model.Atmosphere as object);
    Crate.configure("Crate", "label", "weight");
    const crate = new Crate({ label: "a", weight: 2 }).save({ remote: true } as never) as unknown as Saved;
    expect(crate.syncState()).to.equal("pending");
    expect((Crate as unknown as { dirty(): unknown[] }).dirty()).to.have.length(1);
  });

  it("extends a subclass configured under its own name, and leaves the parent as it was", () => {
    class Box extends Spine.Model {}
    Box.configure("Box", "label");
    Box.extend(Spine.Model.Atmosphere as object);
    class Parcel extends Box {}
    Parcel.configure("Parcel", "label", "stamp");
    const parcel = new Parcel({ label: "gift", stamp: "blue" }).save() as unknown as Saved;
    const box = new Box({ label: "plain" }).save() as unknown as Saved;
    expect(stored("Parcel", parcel.id)).to.include({ label: "gift", stamp: "blue" });
    expect(stored("Box", box.id)).to.include({ label: "plain" });
    expect(stored("Box", parcel.id), "a parcel is not a box in storage").to.equal(undefined);
  });

  it("writes a save once when configured and extended again (both orders the README allows)", () => {
    class Tray extends Spine.Model {}
    Tray.configure("Tray", "label");
    Tray.extend(Spine.Model.Atmosphere as object);
    Tray.configure("Tray", "label", "size");
    Tray.extend(Spine.Model.Atmosphere as object);
    const before = storage.writes;
    const tray = new Tray({ label: "a", size: 1 }).save() as unknown as Saved;
    expect(stored("Tray", tray.id)).to.include({ label: "a", size: 1 });
    expect(storage.writes - before, "setItem calls for one save").to.equal(1);
  });
});
