import { expect } from "chai";
import { heldRefusal } from "../../fakes/held-refusal";
import { railsAtmos } from "../rails-atmos";
import { Todo } from "../models";

type Saved = { id: unknown; title: string; save(options?: object): unknown; syncState(): string };

/**
 * Found by an outside review in Chromium, offline: a todo created and edited
 * twice in one tick went out as a POST with the last title, then a PUT of
 * that same title. The create's first attempt had started (it never left:
 * no network), so the edits were queued as an update of their own; the
 * create, sent again as the user had it then, carried them, and the update
 * was sent anyway. The outbox's promise is one request with the latest
 * attributes.
 */
describe("offline: edits made while a record's first attempt fails before it leaves", () => {
  const fixture = railsAtmos();

  /** Saves a todo whose first attempt is on its way (never to leave) while `edit` runs; then the network comes back. */
  async function offlineThenBack(edit: (todo: Saved) => void): Promise<Saved> {
    const network = heldRefusal();
    const real = fixture.atmos.resourceClient.fetch;
    fixture.atmos.resourceClient.fetch = network.fetch as typeof fetch;
    const todo = new Todo({ title: "c1", done: false }) as unknown as Saved;
    todo.save({ remote: true });
    await network.started;
    edit(todo);
    const failed = new Promise((resolve) => fixture.atmos.on("error", resolve));
    network.refuse();
    await failed;
    fixture.atmos.resourceClient.fetch = real;
    await fixture.atmos.push();
    await fixture.atmos.whenSynced();
    return todo;
  }

  it("sends one create with the latest attributes, and calls every save's success", async () => {
    const succeeded: string[] = [];
    const todo = await offlineThenBack((todo) => {
      todo.title = "c2";
      todo.save({ remote: true, success: () => succeeded.push("c2") });
      todo.title = "c3";
      todo.save({ remote: true, success: () => succeeded.push("c3") });
    });
    expect(fixture.rails.requests.map((r) => `${r.method} ${r.path} ${(r.body as { title: string }).title}`)).to.deep.equal(["POST /todos c3"]);
    expect([todo.title, todo.syncState()]).to.deep.equal(["c3", "synced"]);
    expect(succeeded.sort()).to.deep.equal(["c2", "c3"]);
  });

  it("still sends an edit made after the create left with other values", async () => {
    await offlineThenBack(() => undefined);
    const todo = Todo.first() as unknown as Saved;
    todo.title = "c4";
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();
    expect(fixture.rails.requests.map((r) => `${r.method} ${(r.body as { title: string }).title}`)).to.deep.equal(["POST c1", "PUT c4"]);
  });
});
