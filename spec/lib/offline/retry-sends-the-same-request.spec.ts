import { expect } from "chai";
import { settle } from "../../fakes/fake-clock";
import { Todo } from "../models";
import { nextEvent, railsPage } from "./offline-page";

/**
 * A create whose answer was lost may be on the server: it is sent again with
 * the same Idempotency-Key, so the server answers with what it made instead
 * of making a second record. A server that keeps its promise strictly
 * refuses a key sent again with another body (422, as the Idempotency-Key
 * draft and payment APIs do): the retry must be the same request. Before,
 * the retry carried the attributes as they were by then, so a user who
 * edited the record while it was out got a refusal, and the change was
 * parked for good (every retry was refused again). The edit goes after it.
 */
describe("offline: a request sent again after a lost answer is the same request", () => {
  const fixture = railsPage();

  it("sends the create again with its first body, then the edit made meanwhile as an update", async () => {
    fixture.rails.dropNext();
    const failed = nextEvent(fixture.page.atmos, "error");
    const todo = new Todo({ title: "Milk" });
    todo.save({ remote: true });
    await failed;
    await settle();
    const edited = Todo.find(todo.id) as Todo;
    edited.title = "Oat milk";
    edited.save({ remote: true });
    await fixture.clock.advance(1000);
    await fixture.page.atmos.whenSynced();

    const sent = fixture.rails.requests.map((r) => `${r.method} ${r.headers["idempotency-key"] === undefined ? "" : "key "}${(r.body as any)?.title}`);
    expect(sent).to.deep.equal(["POST key Milk", "POST key Milk", "PUT key Oat milk"]);
    expect(fixture.rails.records("todos").map((r) => r.title)).to.deep.equal(["Oat milk"]);
    const saved = Todo.first() as any;
    expect([saved.title, saved.syncState()]).to.deep.equal(["Oat milk", "synced"]);
  });

  it("sends an update again with its first body too, then the edit made meanwhile", async () => {
    const todo = new Todo({ title: "Milk" });
    todo.save({ remote: true });
    await fixture.page.atmos.whenSynced();
    fixture.rails.dropNext();
    const failed = nextEvent(fixture.page.atmos, "error");
    const first = Todo.find(todo.id) as Todo;
    first.title = "Oat milk";
    first.save({ remote: true });
    await failed;
    await settle();
    const edited = Todo.find(todo.id) as Todo;
    edited.title = "Soy milk";
    edited.save({ remote: true });
    await fixture.clock.advance(1000);
    await fixture.page.atmos.whenSynced();

    const puts = fixture.rails.requests.filter((r) => r.method === "PUT").map((r) => `${r.headers["idempotency-key"] === undefined ? "" : "key "}${(r.body as any)?.title}`);
    expect(puts).to.deep.equal(["key Oat milk", "key Oat milk", "key Soy milk"]);
    expect(fixture.rails.records("todos").map((r) => r.title)).to.deep.equal(["Soy milk"]);
    expect((Todo.first() as any).syncState()).to.equal("synced");
  });

  it("sends what the user has once the server refused the request (it was not made, and a fix must go out)", async () => {
    fixture.rails.failNext(422, { title: ["is too short"] });
    const refused = nextEvent(fixture.page.atmos, "error");
    const todo = new Todo({ title: "M" });
    todo.save({ remote: true });
    await refused;
    await settle();
    const fixed = Todo.find(todo.id) as Todo;
    fixed.title = "Milk";
    fixed.save({ remote: true });
    await fixture.page.atmos.whenSynced();
    expect(fixture.rails.records("todos").map((r) => r.title)).to.deep.equal(["Milk"]);
  });
});
