import { expect } from "chai";
import "../../../lib/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy } from "../../servers/fault-proxy";
import { Todo } from "../models";
import { nextEvent } from "./offline-page";
import { railsAtmos } from "../rails-atmos";

/**
 * Another device deletes a record this page has unsent edits of, and the
 * news comes live: the record stays as the user has it (`kept: true`). Found
 * by an outside re-check: the page then knew the server had it no more, yet
 * a revert showed the old version again as "synced", and an edit whose PUT
 * the server had answered before the delete left it "synced" for good; in
 * both, a record the server did not have looked saved.
 */
describe("offline: live news of a delete while the record has unsent edits", () => {
  const fixture = railsAtmos();
  let live: LiveFixture;

  beforeEach(async () => {
    live = await startLive();
    await fixture.atmos.live.connect(live.wsUrl, { token: "any" });
  });
  afterEach(async () => {
    fixture.atmos.live.disconnect();
    await live.close();
  });

  async function synced(): Promise<Todo> {
    new Todo({ title: "milk" }).save({ remote: true });
    await fixture.atmos.whenSynced();
    return Todo.first() as Todo;
  }

  /** Another device deletes it on the server, and the news of it comes live. */
  async function deletedElsewhere(todo: Todo): Promise<void> {
    expect((await fetch(`${fixture.rails.url}/todos/${todo.id}.json`, { method: "DELETE" })).status).to.equal(204);
    const heard = nextEvent(fixture.atmos, "live:change");
    await live.live.hub.publish("todos", [{ type: "deleted", collection: "todos", id: todo.id, attrs: { id: todo.id } }]);
    await heard;
  }

  it("revert then removes it, as the server has it: not the old version shown as synced", async () => {
    const todo = await synced();
    (Todo.find(todo.id) as Todo).updateAttributes({ title: "oat milk" });
    await deletedElsewhere(todo);
    expect((Todo.find(todo.id) as Todo).title, "kept while edited").to.equal("oat milk");

    await fixture.atmos.revert(Todo.find(todo.id) as Todo);
    expect(Todo.all()).to.deep.equal([]);
    expect(fixture.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
    await Todo.sync({ remote: true });
    expect(Todo.all()).to.deep.equal([]);
  });

  it("removes it once the edit the server took before the delete is answered", async () => {
    const todo = await synced();
    // The PUT reaches the server at once and its answer waits: the delete and its news come in between.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const proxy = await startFaultProxy(fixture.rails.url, (req) => (req.method === "PUT" ? { answerAfter: answered } : undefined));
    fixture.atmos.resourceClient.base = proxy.url;
    try {
      (Todo.find(todo.id) as Todo).updateAttributes({ title: "oat milk" }, { remote: true });
      while (fixture.rails.records("todos")[0]?.title !== "oat milk") await new Promise((resolve) => setTimeout(resolve, 10));
      await deletedElsewhere(todo);
      answer();
      await fixture.atmos.whenSynced();
    } finally {
      await proxy.close();
    }
    expect(Todo.all().map((t) => [t.title, (t as any).syncState()])).to.deep.equal([]);
    expect(fixture.rails.records("todos")).to.deep.equal([]);
  });

  it("keeps it when the server has it again (a pull brings it): revert then shows the server's version", async () => {
    const todo = await synced();
    (Todo.find(todo.id) as Todo).updateAttributes({ title: "oat milk" });
    // News of a delete that the server does not hold (another device's delete undone, or wrong news): the pull says it is there.
    const heard = nextEvent(fixture.atmos, "live:change");
    await live.live.hub.publish("todos", [{ type: "deleted", collection: "todos", id: todo.id, attrs: { id: todo.id } }]);
    await heard;
    await Todo.sync({ remote: true });
    await fixture.atmos.revert(Todo.find(todo.id) as Todo);
    expect(Todo.all().map((t) => [t.title, (t as any).syncState()])).to.deep.equal([["milk", "synced"]]);
  });
});
