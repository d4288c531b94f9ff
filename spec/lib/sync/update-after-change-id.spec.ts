import { expect } from "chai";
import { railsAtmos } from "../rails-atmos";
import { Todo } from "../models";

type Saved = { id: unknown; title: string; changeID(id: string): void; save(options?: object): unknown };

/**
 * A Rails record (numeric id 1) the app renames with `changeID("slug-a")`,
 * then saves with `remote`. The update goes to the path of the id Spine
 * shows, as Spine Ajax sends it; its body said `"id": null` (the new id
 * taken as a number). It carries the id as the record has it now.
 * (Found by an outside review.)
 */
describe("an update after changeID on a record with a numeric server id", () => {
  const fixture = railsAtmos();

  it("sends the record's id as it is now, in the body as in the path", async () => {
    const todo = new Todo({ title: "a" }) as unknown as Saved;
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();
    todo.changeID("slug-a");
    todo.title = "b";
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    const put = fixture.rails.requests.find((request) => request.method === "PUT");
    expect([put?.path, (put?.body as { id?: unknown }).id]).to.deep.equal(["/todos/slug-a", "slug-a"]);
  });

  it("sends a numeric id as a number", async () => {
    const todo = new Todo({ title: "a" }) as unknown as Saved;
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();
    todo.title = "b";
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    const put = fixture.rails.requests.find((request) => request.method === "PUT");
    expect((put?.body as { id?: unknown }).id).to.equal(1);
  });
});
