import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { forgetInMemory } from "./twin-models";

/**
 * Issue 11's data loss, as the user met it: Spine's "can refresh" pattern
 * (`asset.clone().refresh(...)`) on an extended model moved the record to a
 * new id in Spine while storage kept the old one; the later destroy was not
 * kept, `Asset.sync()` rejected with a TypeError from inside Spine's
 * refresh, and after a reload the destroyed record was back.
 */
class Asset extends Spine.Model {
  declare name: string;
}
Asset.configure("Asset", "name");
Asset.extend(Spine.Model.Atmosphere as object);

/**
 * What storage holds for Asset, read from the raw keys (a second Atmos would
 * take over `Atmos.instance` from the page's).
 */
function storedAssets(storage: MemoryStorage): Array<{ id: string; name: unknown }> {
  return storage
    .keys()
    .filter((key) => key.startsWith("atmos2:rec:Asset:"))
    .map((key) => JSON.parse(storage.getItem(key) as string))
    .filter((entry) => !entry.deleted)
    .map((entry) => ({ id: entry.id, name: entry.attrs.name }));
}

const shown = () => Asset.all().map((asset: any) => ({ id: String(asset.id), name: asset.name }));

describe("asset.clone().refresh(...) then destroy() on an extended model (issue 11's data loss)", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    forgetInMemory(Asset);
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    await atmos.metaContext.ready;
  });
  afterEach(() => atmos.close());

  /** Ends this page and opens the next on the same storage, as a reload does. */
  async function reload(): Promise<void> {
    await atmos.metaContext.flush();
    atmos.close();
    forgetInMemory(Asset);
    atmos = new Atmos({ storage });
    await (Asset as any).sync();
  }

  it("keeps the refreshed name in storage, under the id Spine shows", async () => {
    const asset = (Asset as any).create({ name: "foo.pdf" });
    asset.clone().refresh({ name: "bar.pdf" });
    expect(shown()).to.deep.equal([{ id: String(asset.id), name: "bar.pdf" }]);
    await atmos.metaContext.flush();
    expect(storedAssets(storage)).to.deep.equal(shown());
  });

  it("keeps the destroy that follows: dirty() is right, sync() resolves, and the record stays gone after a reload", async () => {
    const asset = (Asset as any).create({ name: "foo.pdf" });
    asset.clone().refresh({ name: "bar.pdf" });
    expect((Asset as any).dirty().map((a: any) => a.name)).to.deep.equal(["bar.pdf"]);

    asset.destroy();
    expect(Asset.all()).to.deep.equal([]);
    // A record never sent and now destroyed has nothing left to send.
    expect((Asset as any).dirty()).to.deep.equal([]);
    await atmos.metaContext.flush();
    expect(storedAssets(storage)).to.deep.equal([]);

    // The TypeError ("reading 'load'") came from here.
    await (Asset as any).sync();
    expect(Asset.all()).to.deep.equal([]);

    await reload();
    expect(Asset.all()).to.deep.equal([]);
    expect((Asset as any).dirty()).to.deep.equal([]);
  });

  it("gives back, after a reload, a record refreshed through a clone and the one beside it that was not", async () => {
    const kept = (Asset as any).create({ name: "kept.pdf" });
    const refreshed = (Asset as any).create({ name: "foo.pdf" });
    (Asset as any).find(refreshed.id).refresh({ name: "bar.pdf" });
    const before = shown();
    await reload();
    expect(shown()).to.have.deep.members(before);
    expect((Asset as any).find(kept.id).name).to.equal("kept.pdf");
    expect((Asset as any).find(refreshed.id).name).to.equal("bar.pdf");
    expect(storedAssets(storage)).to.have.deep.members(before);
  });
});
