import { expect } from "chai";
import { Todo } from "../models";
import { railsAtmos } from "../rails-atmos";

/**
 * A list controller renders `<li data-id="${todo.id}">` when a record is
 * made, and calls `Todo.find(li.dataset.id)` on a click. With Spine Ajax the
 * first id is the cid (`c-0`), which Spine's index keeps after the server's
 * id replaces it, so the click still finds the record. With atmos2 the first
 * id is a UUID, and it left the index when the server's id came: the click
 * found nothing (found by a Spine user trying the packed package). It stays,
 * beside the cid, until the record is destroyed; after a reload only the
 * id shown is kept, as with Spine Local.
 */
describe("a record made on the page, after the server gives it its own id", () => {
  const fixture = railsAtmos();

  it("is still found by the id it was first shown under, as Spine finds a record by its c-N", async () => {
    const todo = new Todo({ title: "milk" }).save({ remote: true }) as Todo;
    const first = todo.id;
    await fixture.atmos.whenSynced();
    const serverId = String(fixture.rails.records("todos")[0].id);
    expect((Todo.first() as Todo).id).to.equal(serverId);
    expect(Todo.exists(first)).to.equal(true);
    expect((Todo.find(first) as Todo).id).to.equal(serverId);
    // An edit through it goes to the server's record.
    (Todo.find(first) as Todo).updateAttributes({ title: "oat milk" }, { remote: true });
    await fixture.atmos.whenSynced();
    expect(fixture.rails.records("todos").map((t) => t.title)).to.deep.equal(["oat milk"]);
    expect(Todo.count()).to.equal(1);
  });

  it("leaves Spine's index with the record when it is destroyed", async () => {
    const todo = new Todo({ title: "milk" }).save({ remote: true }) as Todo;
    const first = todo.id;
    await fixture.atmos.whenSynced();
    (Todo.find(first) as Todo).destroy({ remote: true });
    await fixture.atmos.whenSynced();
    expect(Todo.exists(first)).to.equal(false);
    expect(Todo.all()).to.deep.equal([]);
    expect(fixture.rails.records("todos")).to.deep.equal([]);
  });

  // Found by an outside review: destroyed through an object the app built
  // before the server's id came (`new Todo(todo.toJSON())`, a form's copy),
  // the record left Spine and the server, but its first id still found it:
  // exists() said true, and a save through what find() gave made a new record.
  it("leaves Spine's index when it is destroyed through a copy made before the server's id came", async () => {
    const todo = new Todo({ title: "milk" }).save({ remote: true }) as Todo;
    const first = todo.id;
    const copy = new Todo(todo.toJSON()) as Todo;
    await fixture.atmos.whenSynced();
    copy.destroy({ remote: true });
    await fixture.atmos.whenSynced();
    expect([Todo.count(), fixture.rails.records("todos").length], "in Spine, on the server").to.deep.equal([0, 0]);
    expect(Todo.exists(first), "found by its first id").to.equal(false);
  });
});
