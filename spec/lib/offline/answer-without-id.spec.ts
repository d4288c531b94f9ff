import { expect } from "chai";
import { Todo } from "../models";
import { nextEvent, railsPage, storedEntry } from "./offline-page";

/**
 * API.md: "A record received without a value in IDField is rejected with an
 * error naming the model and the field; nothing is stored from that response."
 */
describe("a server answer that is not a record (no value in IDField)", () => {
  const fixture = railsPage();

  it("to an update: stores nothing from it and says so in an error event naming the model and the field; the update counts as accepted", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await fixture.page.atmos.whenSynced();
    const todo = Todo.first() as Todo;
    fixture.rails.failNext(200, { ok: true, title: "not from a record" });
    const error = nextEvent(fixture.page.atmos, "error");
    todo.updateAttributes({ title: "edited" }, { remote: true });
    const payload = await error;
    await fixture.page.atmos.whenSynced();

    expect(payload).to.include({ model: "Todo", status: 200 });
    expect(payload.error.message).to.match(/Todo/).and.to.match(/"id"/);
    const now = Todo.find(todo.id) as Todo;
    expect(now.attributes()).to.not.have.property("ok");
    expect(now.title).to.equal("edited");
    expect(storedEntry(fixture.page.storage, "Todo", todo.id).attrs).to.not.have.property("ok");
    expect((now as any).syncState()).to.equal("synced");
  });

  it("to an update with an empty body (204): nothing to store, no error", async () => {
    new Todo({ title: "first" }).save({ remote: true });
    await fixture.page.atmos.whenSynced();
    const errors: unknown[] = [];
    fixture.page.atmos.on("error", (e) => errors.push(e));
    fixture.rails.failNext(204, "");
    (Todo.first() as Todo).updateAttributes({ title: "edited" }, { remote: true });
    await fixture.page.atmos.whenSynced();
    expect(errors).to.deep.equal([]);
    expect(((Todo.first() as Todo) as any).syncState()).to.equal("synced");
  });

  // Found by a new user: these were told to set resourceClient.IDField, which was not the problem.
  for (const [what, status, body, says] of [
    ["an empty body", 201, "", /Todo: the server answered the create \(201\) with an empty body; the answer must be the record saved, with its "id"/],
    ["text", 200, "OK", /Todo: the server answered the create \(200\) with text, not JSON: "OK"; the answer must be the record saved, with its "id"/],
  ] as const) {
    it(`to a create, with ${what}: says so (not "set IDField"), and keeps the record, parked`, async () => {
      const errors: Array<{ error: Error }> = [];
      fixture.page.atmos.on("error", (e) => errors.push(e as { error: Error }));
      fixture.rails.failNext(status, body);
      const todo = new Todo({ title: "milk" }).save({ remote: true }) as Todo;
      await fixture.page.atmos.whenSynced();
      expect(errors.map((e) => e.error.message)).to.have.length(1);
      expect(errors[0].error.message).to.match(says);
      expect(storedEntry(fixture.page.storage, "Todo", todo.id).attrs.title).to.equal("milk");
      expect((Todo.find(todo.id) as any).syncState()).to.equal("failed");
    });
  }
});
