import { expect } from "chai";
import "../../../lib/live";
import type { Atmos } from "../../../lib";
import { Task } from "../models";
import { holdRequests, openLivePage, type Held, type LivePage } from "./live-page";

/**
 * Another device's new task is announced live while this page's own create
 * is being answered, so the news waits; meanwhile the app closes its Atmos
 * and opens a new one on the same storage and models (a sign-in again, a
 * "reload" in one process). The old Atmos must not finish applying the news
 * into the new one's models, and the new one must still get that news.
 */
describe("offline: live news being applied when the Atmos is closed", () => {
  let stage: LivePage;
  let post: Held;

  beforeEach(async () => {
    stage = await openLivePage();
    post = holdRequests(stage.proxy, "POST", "answerAfter");
  });
  afterEach(async () => {
    post.letGo();
    await stage.close();
  });

  /** The other device creates "eggs"; the page receives the news, which waits for the page's own create. */
  async function eggsAnnouncedWhileBreadIsAnswered(): Promise<void> {
    const { api, client, listId, live } = stage;
    Task.create({ title: "bread", taskListID: listId }, { remote: true });
    while (!api.published.some((p) => p.change.attrs?.title === "bread")) await new Promise((r) => setTimeout(r, 5));
    const before = api.published.length;
    await client.createTask(listId, { title: "eggs" });
    const frame = stage.nextChangeFrame();
    for (const { channel, change } of api.published.slice(before)) await live.live.hub.publish(channel, [change]);
    await frame;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Lets the old Atmos's create be answered, and everything waiting on that answer run. */
  async function oldAtmosAnswered(old: Atmos): Promise<void> {
    post.letGo();
    await old.createsAnswered("Task");
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it("shows no record the new Atmos does not know (an edit of it would be sent as a second create)", async () => {
    await eggsAnnouncedWhileBreadIsAnswered();
    const { page } = stage;
    const old = page.atmos;
    await page.reload();
    await oldAtmosAnswered(old);
    const unknown = (Task.all() as Task[]).filter((t) => !page.atmos.metaContext.get("Task", t.id)).map((t) => t.title);
    expect(unknown, "shown without a stored entry").to.deep.equal([]);
  });

  it("leaves the news to the new Atmos: connected, it gets eggs", async () => {
    await eggsAnnouncedWhileBreadIsAnswered();
    const { page } = stage;
    const old = page.atmos;
    await page.reload();
    await oldAtmosAnswered(old);
    const eggs = new Promise<void>((resolve) =>
      page.atmos.on("live:change", ({ change }) => {
        if (change.attrs?.title === "eggs") resolve();
      }),
    );
    await page.atmos.live.connect(stage.live.wsUrl, { token: "any" });
    await eggs;
    const shown = (Task.all() as Task[]).filter((t) => t.title === "eggs");
    expect(shown).to.have.length(1);
    expect(page.atmos.syncState("Task", shown[0].id)).to.equal("synced");
  });
});
