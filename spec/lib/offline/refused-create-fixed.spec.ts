import { expect } from "chai";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { resetModels, Todo } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

type Saved = { id: unknown; title: string; save(options?: object): unknown; syncState(): string };

/**
 * A create the server refuses (422, a blank title) is parked; the user
 * fixes the title and saves again. The fixed save went out with the refused
 * request's Idempotency-Key, and a server that keeps every answer under its
 * key (not only the successful ones) replayed its 422: the record stayed
 * parked for good, however often it was fixed (found by an outside review).
 * A refused request made nothing on the server, so what is sent after it
 * goes with a key of its own.
 */
describe("offline: a create refused with 422, fixed and saved again", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer({ keepsRefusals: true });
    page = openPage({ base: rails.url });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  it("is created, with a key of its own, on a server that replays its refusals by key", async () => {
    const calls: string[] = [];
    const todo = new Todo({ title: "" }) as unknown as Saved;
    todo.save({ remote: true, error: (_: unknown, e: { status: number; retrying?: boolean }) => calls.push(`first: error ${e.status} retrying=${e.retrying}`) });
    await page.atmos.whenSynced();
    expect(todo.syncState(), "refused").to.equal("failed");

    const fixed = Todo.first() as unknown as Saved;
    fixed.title = "milk";
    fixed.save({ remote: true, success: () => calls.push("fixed: success") });
    await page.atmos.whenSynced();

    const posts = rails.requests.filter((r) => r.method === "POST");
    expect(posts, "the POSTs").to.have.length(2);
    expect(posts[0].headers["idempotency-key"], "a key of its own").to.not.equal(posts[1].headers["idempotency-key"]);
    expect(rails.records("todos").map((r) => r.title)).to.deep.equal(["milk"]);
    expect((Todo.first() as unknown as Saved).syncState()).to.equal("synced");
    expect(calls).to.include("first: error 422 retrying=false").and.include("fixed: success");
  });
});
