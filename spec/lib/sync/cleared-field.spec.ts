import { expect } from "chai";
import { railsAtmos } from "../rails-atmos";
import { Todo } from "../models";

type Cleared = { title?: string; done?: unknown; save(options?: object): unknown };

/**
 * The user clears a field (sets it to undefined) and saves with `remote`.
 * JSON has no undefined, so the field was missing from the update's body; a
 * server that updates only the fields a body names (a Rails scaffold, any
 * PATCH) kept its old value, and its answer, merged into the record, put
 * that value back on the page at once: the user's edit was lost. A field the
 * user cleared now goes as null.
 */
describe("a field the user cleared, sent to a server that updates only the fields it is given (Rails)", () => {
  const fixture = railsAtmos();
  const saved = async (attrs: Record<string, unknown>) => {
    new Todo(attrs).save({ remote: true });
    await fixture.atmos.whenSynced();
    return Todo.all()[0] as unknown as Cleared;
  };
  const serverTodo = () => fixture.rails.records("todos")[0];
  const isCleared = (value: unknown) => value === undefined || value === null || value === "";

  it("is cleared on the server, and stays cleared on the page, after the answer and after a pull", async () => {
    const todo = await saved({ title: "milk", done: true });
    todo.done = undefined;
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    expect(serverTodo().done, "the server's todo").to.equal(null);
    expect(isCleared((Todo.all()[0] as unknown as Cleared).done), "the page's todo, with the answer merged").to.equal(true);
    await Todo.sync({ remote: true });
    expect(isCleared((Todo.all()[0] as unknown as Cleared).done), "the page's todo, after a pull").to.equal(true);
    expect(Todo.all()[0].title).to.equal("milk");
  });

  it("is cleared when the user cleared it while the record's create was on its way", async () => {
    new Todo({ title: "bread", done: true }).save({ remote: true });
    const todo = Todo.all()[0] as unknown as Cleared;
    while (fixture.rails.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(fixture.rails.requests.map((r) => r.method), "the create has left").to.deep.equal(["POST"]);
    todo.done = undefined;
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    expect(serverTodo().done, "the server's todo").to.equal(null);
    expect(isCleared((Todo.all()[0] as unknown as Cleared).done), "the page's todo").to.equal(true);
  });

  it("goes as an empty value with form coding (Rails reads it as nil)", async () => {
    fixture.atmos.resourceClient.dataCoding = "form";
    const todo = await saved({ title: "eggs", done: true });
    todo.done = undefined;
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    const put = fixture.rails.requests.find((r) => r.method === "PUT");
    expect(put?.rawBody, "the update's body").to.match(/(^|&)todo%5Bdone%5D=(&|$)/);
    expect(isCleared(serverTodo().done), "the server's todo").to.equal(true);
  });

  it("leaves out of the update the fields the user did not touch, and those the server never had", async () => {
    const todo = await saved({ title: "tea" });
    todo.title = "green tea";
    todo.save({ remote: true });
    await fixture.atmos.whenSynced();

    const put = fixture.rails.requests.find((r) => r.method === "PUT");
    expect(put?.body, "the update's body").to.not.have.property("done");
    expect(serverTodo()).to.include({ title: "green tea" });
  });
});
