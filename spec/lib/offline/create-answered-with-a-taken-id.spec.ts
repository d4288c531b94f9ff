import { expect } from "chai";
import type { ErrorPayload } from "../../../lib";
import { Todo } from "../models";
import { railsPage } from "./offline-page";

/**
 * Found by a hostile-server review: a create answered with the id another
 * record made here already has (a proxy that caches POST answers, an
 * idempotency cache keyed wrongly, a buggy server) took that record's place:
 * it vanished from Spine and from storage, with no error, and status() said
 * all was sent. API.md: "nothing saved locally is lost".
 */
describe("a create answered with the id of another record made here", () => {
  const fixture = railsPage();

  it("is refused with an error naming both records; neither is lost, here or after a reload", async () => {
    const first = new Todo({ title: "alpha" }).save({ remote: true }) as Todo;
    await fixture.page.atmos.whenSynced();
    const taken = first.id;
    const errors: ErrorPayload[] = [];
    fixture.page.atmos.on("error", (payload) => errors.push(payload));

    fixture.rails.failNext(201, { id: Number(taken), title: "beta" });
    const second = new Todo({ title: "beta" }).save({ remote: true }) as Todo;
    const localId = second.id;
    await fixture.page.atmos.whenSynced();

    expect(errors.map((e) => [e.model, e.type, e.status])).to.deep.equal([["Todo", "invalid", 201]]);
    expect(errors[0].error.message).to.equal(
      `Todo: the server answered the create (201) with the id ${taken}, which another record made here already has; a new record needs an id of its own: check the server's ids, or a proxy or idempotency cache that answers one create with another's answer. Nothing was changed`,
    );
    const titles = () => (Todo.all() as Todo[]).map((t) => [t.id, t.title]);
    expect(titles()).to.deep.equal([
      [taken, "alpha"],
      [localId, "beta"],
    ]);
    expect((Todo.find(localId) as any).syncState()).to.equal("failed");
    expect((Todo.find(taken) as any).syncState()).to.equal("synced");

    await fixture.page.reload();
    expect(titles()).to.deep.equal([
      [taken, "alpha"],
      [localId, "beta"],
    ]);
    // Retried once the server is right, it is sent once and takes an id of its own.
    await fixture.page.atmos.retry(Todo.find(localId) as never);
    await fixture.page.atmos.whenSynced();
    expect((Todo.all() as Todo[]).map((t) => t.title).sort()).to.deep.equal(["alpha", "beta"]);
    expect((Todo.all() as Todo[]).every((t) => (t as any).syncState() === "synced")).to.equal(true);
  });
});
