import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";
import { AppContext } from "../../lib/app-context";
import { MemoryStorage } from "../fakes/memory-storage";

/**
 * Found by a new user moving a Spine page onto a bundler: spine.js still came
 * by a script tag (the app's models extend that global Spine), and the bundle
 * held atmos2 with its own copy of the spine package. atmos2 registered on
 * its copy only: `Task.extend(Spine.Model.Atmosphere)` failed with Spine's
 * "extend(obj) requires obj", and nothing said why.
 */
describe("a page with two copies of Spine (a script tag's, and a bundle's)", () => {
  let pageSpine: any;

  before(() => {
    // A second copy of spine.js, as a script tag loads it next to a bundle.
    const bundled = Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/]spine[\\/]/.test(file));
    const kept = bundled.map((file) => [file, require.cache[file]] as const);
    for (const file of bundled) delete require.cache[file];
    pageSpine = require("spine");
    for (const [file, module] of kept) require.cache[file] = module;
    (globalThis as { Spine?: unknown }).Spine = pageSpine;
    // As the bundle's atmos2 does when it loads on that page.
    AppContext.install((Spine as any).Model.Atmosphere);
  });
  after(() => {
    delete (globalThis as { Spine?: unknown }).Spine;
  });

  it("gives Spine.Model.Atmosphere to both, so a model of the script tag's Spine saves and syncs", async () => {
    expect(pageSpine).not.to.equal(Spine);
    expect(pageSpine.Model.Atmosphere).to.equal((Spine as any).Model.Atmosphere);
    class PageNote extends pageSpine.Model {}
    (PageNote as any).configure("PageNote", "title");
    (PageNote as any).extend(pageSpine.Model.Atmosphere);
    const storage = new MemoryStorage();
    const atmos = new Atmos({ storage });
    try {
      const note = new (PageNote as any)({ title: "kept" });
      note.save();
      expect(note.syncState()).to.equal("local");
      expect(storage.keys().filter((key) => key.startsWith("atmos2:rec:PageNote:"))).to.have.length(1);
    } finally {
      atmos.close();
    }
  });
});
