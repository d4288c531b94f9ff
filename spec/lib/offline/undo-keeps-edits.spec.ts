import { expect } from "chai";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { forgetPage } from "../../../lib/app-context/spine-state";
import { resetModels, Todo } from "../models";
import { openPage, syncedTodo, type OfflinePage } from "./offline-page";

/**
 * Found by the chaos run (seed 54268): an edit, then a delete and its undo,
 * all while an earlier edit was on the wire. A pull that came back first
 * with the server's version took the undone record's other field back to
 * the server's value: the delete had folded the edit away, and the save
 * that undid it changed nothing against the deleted record, so nothing said
 * that field was the user's. The record came back on the server with it.
 */
describe("offline: an undo of a delete keeps the edits the delete folded away", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;
  let answerPut: () => void;

  beforeEach(async () => {
    resetModels();
    // A new page: no memory of earlier specs' ids (each Rails server starts its ids at 1 again).
    forgetPage();
    rails = await startRailsScaffoldServer();
    page = openPage({ base: rails.url });
    const putAnswered = new Promise<void>((resolve) => (answerPut = resolve));
    // A PUT reaches the server at once; its answer comes back once released (after the pull's).
    page.atmos.resourceClient.fetch = async (url: string, init?: RequestInit) => {
      const response = await fetch(url, init);
      if (init?.method === "PUT") await putAnswered;
      return response;
    };
  });
  afterEach(async () => {
    answerPut();
    page.close();
    await rails.close();
  });

  it("sends the record again with the user's latest fields when a pull answers while the earlier edit is out", async () => {
    const todo = await syncedTodo(page, rails, { title: "v0", done: false });
    const id = String(todo.id);
    todo.updateAttributes({ title: "v1" }, { remote: true });
    while (!rails.requests.some((r) => r.method === "PUT")) await new Promise((resolve) => setTimeout(resolve, 5));
    const pulled = Todo.sync({ remote: true });
    (Todo.find(id) as Todo).updateAttributes({ title: "v2", done: true }, { remote: true });
    const destroyed = Todo.find(id) as Todo;
    const kept = destroyed.attributes();
    destroyed.destroy({ remote: true });
    new Todo(kept).save({ remote: true });
    await pulled;
    expect((Todo.find(id) as Todo).done, "the undone record after the pull").to.equal(true);
    answerPut();
    await page.atmos.whenSynced();

    const records = rails.records("todos");
    expect(records.map((r) => [r.title, r.done])).to.deep.equal([["v2", true]]);
    expect(Todo.all().map((t) => [t.title, t.done, t.syncState()])).to.deep.equal([["v2", true, "synced"]]);
  });

  // Chaos seed 71506: a field cleared (undefined: storage keeps no such key)
  // before a delete and its undo, all while the create was out. The create's
  // answer put the old value back, as nothing said the field was the user's.
  it("keeps a field the user cleared before the delete and its undo, when the create's answer comes after", async () => {
    let answerPost!: () => void;
    const postAnswered = new Promise<void>((resolve) => (answerPost = resolve));
    page.atmos.resourceClient.fetch = async (url: string, init?: RequestInit) => {
      const response = await fetch(url, init);
      if (init?.method === "POST" && rails.requests.length === 1) await postAnswered;
      return response;
    };
    const todo = new Todo({ title: "a", done: true });
    todo.save({ remote: true });
    while (!rails.requests.length) await new Promise((resolve) => setTimeout(resolve, 5));
    const found = Todo.find(todo.id) as Todo;
    found.done = undefined as never;
    found.save({ remote: true });
    const kept = (Todo.find(todo.id) as Todo).attributes();
    (Todo.find(todo.id) as Todo).destroy();
    new Todo(kept).save({ remote: true });
    // A reload while the create is out: the next page reads the record from
    // storage (no undefined there), sends the create again and gets its answer.
    await page.atmos.metaContext.flush();
    page.atmos.close();
    resetModels();
    page.atmos = openPage({ base: rails.url, storage: page.storage }).atmos;
    answerPost();
    await Todo.sync();
    await page.atmos.whenSynced();

    const records = rails.records("todos");
    expect(records.map((r) => [r.title, r.done])).to.deep.equal([["a", undefined]]);
    expect(Todo.all().map((t) => [t.title, t.done, t.syncState()])).to.deep.equal([["a", undefined, "synced"]]);
  });
});
