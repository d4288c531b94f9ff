import { expect } from "chai";
import { Atmos } from "../../lib";
import type { MemoryStorage } from "../fakes/memory-storage";
import { resetModels, Todo } from "./models";
import { railsAtmos } from "./rails-atmos";

/**
 * An app that stored its records with Spine.Model.Local moves to atmos2 by
 * changing the extend. Spine Local kept them as one JSON array under the
 * class name (`localStorage.Todo`), which atmos2 does not read: after the
 * move, the user's records were not shown, though still in storage. The
 * README's take-over snippet, run as written here (with this spec's
 * storage for `localStorage`), brings them in once.
 */
describe("coming from Spine.Model.Local: the records it stored", () => {
  const fixture = railsAtmos();

  beforeEach(() => {
    // What Spine.Model.Local's saveLocal wrote: JSON.stringify(Model), its records' attributes (atmos2 never reads it).
    fixture.storage.setItem("Todo", JSON.stringify([{ id: "c-0", title: "milk", done: false }, { id: "c-1", title: "bread", done: true }]));
  });

  /** The README's snippet ("Coming from Spine.Model.Local"), with `localStorage` being this spec's storage. */
  function takeOver(localStorage: MemoryStorage): Promise<void> {
    return (Todo as any).sync().then(function () {
      var kept = localStorage.getItem("Todo"); // what Spine.Model.Local stored
      if (!kept) return;
      JSON.parse(kept).forEach(function (attrs: { id: string }) {
        if (!Todo.exists(attrs.id)) new Todo(attrs).save(); // "local": sent by push() or the next remote save
      });
      localStorage.removeItem("Todo"); // taken over once
    });
  }

  it("shows them, stores them as atmos2's own, and push() creates each once on the server", async () => {
    const { storage, rails } = fixture;
    await takeOver(storage);
    expect(Todo.all().map((t) => [t.title, (t as any).syncState()])).to.deep.equal([
      ["milk", "local"],
      ["bread", "local"],
    ]);
    expect(storage.getItem("Todo"), "Spine Local's copy").to.equal(null);
    await fixture.atmos.push();
    expect(rails.records("todos").map((r) => [r.title, r.done]).sort()).to.deep.equal([
      ["bread", true],
      ["milk", false],
    ]);

    // The next page: the records come from atmos2's storage, and the snippet does nothing again.
    fixture.atmos.close();
    resetModels();
    fixture.atmos = new Atmos({ storage });
    fixture.atmos.resourceClient.base = rails.url;
    await takeOver(storage);
    expect(Todo.all().map((t) => [t.title, (t as any).syncState()]).sort()).to.deep.equal([
      ["bread", "synced"],
      ["milk", "synced"],
    ]);
    await fixture.atmos.push();
    expect(rails.records("todos")).to.have.length(2);
  });
});
