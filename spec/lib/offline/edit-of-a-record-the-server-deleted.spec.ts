import { expect } from "chai";
import { Todo } from "../models";
import { railsAtmos } from "../rails-atmos";

/**
 * A Rails-style server deletes for good: an edit of a record another device
 * deleted is answered 404. The change is parked (failed) and the app hears of
 * it; then `revert` showed the old version again as "synced", a record the
 * server did not have, and every later edit of it was refused the same way
 * (found with live news of a delete arriving while the record had unsent
 * edits: the news keeps the edit, the push then meets the 404).
 */
describe("offline: an edit of a record the server deleted (404)", () => {
  const fixture = railsAtmos();

  async function editDeletedElsewhere(): Promise<{ todo: Todo; errors: string[] }> {
    const { atmos, rails } = fixture;
    new Todo({ title: "milk" }).save({ remote: true });
    await atmos.whenSynced();
    const todo = Todo.first() as Todo;
    // Another device deletes it.
    expect((await fetch(`${rails.url}/todos/${todo.id}.json`, { method: "DELETE" })).status).to.equal(204);
    const errors: string[] = [];
    atmos.on("error", ({ error }) => errors.push(error.message));
    todo.updateAttributes({ title: "oat milk" }, { remote: true });
    await atmos.whenSynced();
    return { todo, errors };
  }

  it("parks the edit and says the server has no such record, and how to go on", async () => {
    const { todo, errors } = await editDeletedElsewhere();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/Todo PUT .*\/todos\/1 answered 404.*the server has no such record \(deleted elsewhere\?\): atmos\.revert\(record\) removes it here/);
  });

  it("revert removes it here, as the server has it, and nothing is left to send", async () => {
    const { atmos, rails } = fixture;
    const { todo } = await editDeletedElsewhere();
    const destroyed: string[] = [];
    Todo.bind("destroy", (record: Todo) => destroyed.push(record.id));
    await atmos.revert(todo);
    expect(Todo.all(), "shown").to.deep.equal([]);
    expect(destroyed).to.deep.equal([todo.id]);
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    // A pull does not bring it back either, and the server still has none.
    await Todo.sync({ remote: true });
    expect(Todo.all()).to.deep.equal([]);
    expect(rails.records("todos")).to.deep.equal([]);
  });

  // Found by the outside re-check: the pull said the server had it no more,
  // the edit was kept (rightly), and then revert showed the old version as
  // "synced", a record the server did not have.
  it("revert removes it when a complete pull (remove: true) no longer returned it, before any push", async () => {
    const { atmos, rails } = fixture;
    new Todo({ title: "milk" }).save({ remote: true });
    await atmos.whenSynced();
    const todo = Todo.first() as Todo;
    todo.updateAttributes({ title: "oat milk" });
    expect((await fetch(`${rails.url}/todos/${todo.id}.json`, { method: "DELETE" })).status).to.equal(204);
    await Todo.sync({ remote: true, remove: true });
    expect((Todo.find(todo.id) as Todo).title, "kept while edited").to.equal("oat milk");
    await atmos.revert(Todo.find(todo.id) as Todo);
    expect(Todo.all()).to.deep.equal([]);
    expect(atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });
});
