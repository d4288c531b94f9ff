import { expect } from "chai";
import { settle } from "../../fakes/fake-clock";
import { closedPort } from "../../servers/closed-port";
import { Todo } from "../models";
import { nextEvent, railsBehindFaults } from "./offline-page";

/**
 * API.md: offline, changes "are sent — once, in order, compacted — when the
 * network returns". A create whose attempt never reached the server (the
 * connection was refused; the server answered 503 or 429, which say it did
 * not take the request) is not on the server: edits made before it is sent
 * again fold into it, one POST with the latest attributes, as if no attempt
 * had been made. Before, each such edit went out as a PUT after the POST,
 * which already carried it. An attempt that may have reached the server (no
 * answer after the request left, a 500) still keeps later edits apart.
 */
describe("offline: edits made after a create's attempt that never reached the server", () => {
  const stage = railsBehindFaults();

  /** Saves a todo, lets its first attempt fail, edits it twice, and sends again. */
  async function createThenEdit(): Promise<string[]> {
    const failed = nextEvent(stage.page.atmos, "error");
    const todo = new Todo({ title: "v1" });
    todo.save({ remote: true });
    await failed;
    await settle();
    for (const title of ["v2", "v3"]) {
      const record = Todo.find(todo.id) as Todo;
      record.title = title;
      record.save({ remote: true });
    }
    stage.page.atmos.resourceClient.base = stage.proxy.url;
    await stage.clock.advance(1000);
    await stage.page.atmos.whenSynced();
    return stage.rails.requests.map((r) => `${r.method} ${JSON.stringify(r.body)}`);
  }

  it("sends one POST with the latest attributes after the connection was refused", async () => {
    stage.page.atmos.resourceClient.base = `http://127.0.0.1:${await closedPort()}`;
    expect(await createThenEdit()).to.deep.equal(['POST {"title":"v3"}']);
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["v3"]);
  });

  for (const status of [503, 429]) {
    it(`sends one POST with the latest attributes after a ${status}`, async () => {
      stage.faults.push({ status, body: { error: "later" } });
      expect(await createThenEdit()).to.deep.equal(['POST {"title":"v3"}']);
    });
  }

  it("keeps the edits apart when the page was reloaded while the create was out, however the next attempt fails", async () => {
    // The create is made by the server after the page that sent it was closed: no answer ever reaches a page.
    let release!: () => void;
    stage.faults.push({ answerAfter: new Promise<void>((resolve) => (release = resolve)) });
    const todo = new Todo({ title: "v1" });
    todo.save({ remote: true });
    while (stage.rails.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await stage.page.reload();
    release();
    // The reloaded page's first attempt is answered 503 (the server says it did not take that one).
    stage.faults.push({ status: 503, body: { error: "later" } });
    await settle();
    await stage.clock.advance(1000);
    await settle();
    const record = Todo.find(todo.id) as Todo;
    record.title = "v2";
    record.save({ remote: true });
    await stage.clock.advance(2000);
    await stage.page.atmos.whenSynced();
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["v2"]);
  });

  it("keeps the edits apart when the request may have reached the server (a 500)", async () => {
    stage.faults.push({ status: 500, body: { error: "boom" } });
    const sent = await createThenEdit();
    expect(sent.map((s) => s.split(" ")[0])).to.deep.equal(["POST", "PUT"]);
    expect(stage.rails.records("todos").map((r) => r.title)).to.deep.equal(["v3"]);
  });
});
