import { expect } from "chai";
import { Todo } from "../models";
import { railsPage } from "./offline-page";

/**
 * `atmos.revert(record)` as an app calls it: on the record object it holds
 * (the one it edited and saved), which it goes on showing and saving afterwards.
 */
describe("offline: after revert(record) the record object passed in reads the server version", () => {
  const fixture = railsPage();

  /** A todo the server has as "A", and a refused edit to "B" made through the object the app holds. */
  async function refusedEdit(): Promise<Todo> {
    const { page, rails } = fixture;
    const todo = new Todo({ title: "A" });
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    rails.failNext(422, { title: ["is reserved"] });
    todo.title = "B";
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    expect((todo as any).syncState()).to.equal("failed");
    return todo;
  }

  it("gives the object passed to revert the last server version", async () => {
    const todo = await refusedEdit();
    await fixture.page.atmos.revert(todo as any);
    expect(todo.title).to.equal("A");
    expect((Todo.find(todo.id) as Todo).title).to.equal("A");
    expect((todo as any).syncState()).to.equal("synced");
  });

  it("sends nothing of the dropped edit when the app saves that object again", async () => {
    const { page, rails } = fixture;
    const todo = await refusedEdit();
    await page.atmos.revert(todo as any);
    todo.done = true;
    todo.save({ remote: true });
    await page.atmos.whenSynced();
    expect(rails.records("todos").map((r) => [r.title, r.done])).to.deep.equal([["A", true]]);
  });

  it("clears a field the dropped edit added on the object passed in", async () => {
    const todo = await refusedEdit();
    fixture.rails.failNext(422, { done: ["is locked"] });
    todo.done = true;
    todo.save({ remote: true });
    await fixture.page.atmos.whenSynced();
    await fixture.page.atmos.revert(todo as any);
    expect(todo.done).to.equal(undefined);
  });

  it("goes back to the version the server created, not to an edit made while the create was on its way", async () => {
    const { page, rails } = fixture;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    page.atmos.resourceClient.fetch = async (url, init) => {
      const response = await fetch(url, init);
      await answered;
      return response;
    };
    const todo = new Todo({ title: "A" });
    todo.save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    todo.title = "B";
    todo.save({ remote: true });
    rails.failNext(422, { title: ["is reserved"] });
    answer();
    await page.atmos.whenSynced();
    expect((todo as any).syncState()).to.equal("failed");
    await page.atmos.revert(todo as any);
    expect([todo.title, (Todo.find(todo.id) as Todo).title]).to.deep.equal(["A", "A"]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["A"]);
  });

});
