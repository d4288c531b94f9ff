import { expect } from "chai";
import "../../../lib/live";
import type { Fault } from "../../servers/fault-proxy";
import { models } from "../models";
import { openLivePage, type LivePage } from "./live-page";
import { copyShownAfterALostAnswer } from "./lost-create-copy";

/**
 * A task's create reached the server but its answer was lost, and another
 * device renamed the task before the retry. A pull then shows the server's
 * copy next to the local one (its title differs, so nothing tells they are
 * one task), and the user edits that copy. When the create's retry is
 * answered (the server replays the first answer, an older version) the two
 * become one record: the user's edit of the copy must reach the server, and
 * the other device's title must stay.
 */
describe("offline: an edit of the server's copy of a create whose answer was lost", () => {
  let stage: LivePage;
  const Task = () => models.Task;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeEach(async () => {
    stage = await openLivePage();
  });
  afterEach(async () => {
    await stage?.close();
  });

  const copyShown = (later: (req: { method: string }) => Fault | undefined) => copyShownAfterALostAnswer(stage, later);

  /** The record the pull brought under the server id: the one the user sees with the other device's title. */
  const copyOf = (id: string) => Task().find(id) as InstanceType<typeof models.Task> & { notes: string; title: string };

  it("sends the edit saved on the copy while the page retries the create offline", async () => {
    const { proxy, page, client, listId } = stage;
    let letGo = () => {};
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let retries = 0;
    // The next POST finds the network down (the page goes offline and probes with the oldest change, the create); the one after is held.
    const id = await copyShown((req) => (req.method !== "POST" ? undefined : ++retries === 1 ? "drop-request" : { until: gate }));
    const offline = new Promise<void>((resolve) => page.atmos.on("offline", () => resolve()));
    void page.atmos.push();
    await offline;
    const copy = copyOf(id);
    copy.notes = "2 litres";
    copy.save({ remote: true });
    void page.atmos.push();
    while (retries < 2) await wait(10);
    letGo();
    await page.atmos.whenSynced();
    const server = await client.all(`/lists/${listId}/tasks`);
    expect(server.map((t) => [t.title, t.notes])).to.deep.equal([["Oat milk", "2 litres"]]);
    expect(Task().all().map((t: any) => [t.title, t.notes, t.syncState()])).to.deep.equal([["Oat milk", "2 litres", "synced"]]);
    expect(proxy.log.filter((r) => r.method === "PUT").length).to.be.greaterThan(0);
  });

  it("sends the edit saved on the copy without remote on the next push()", async () => {
    const { page, client, listId } = stage;
    const id = await copyShown(() => undefined);
    const copy = copyOf(id);
    copy.notes = "2 litres";
    copy.save();
    // The create's retry is answered; the edit waits for push().
    await wait(1500);
    await page.atmos.push();
    await page.atmos.whenSynced();
    const server = await client.all(`/lists/${listId}/tasks`);
    expect(server.map((t) => [t.title, t.notes])).to.deep.equal([["Oat milk", "2 litres"]]);
    expect(Task().all().map((t: any) => [t.title, t.notes, t.syncState()])).to.deep.equal([["Oat milk", "2 litres", "synced"]]);
  });

  it("keeps the edit of the copy whose update is on its way when the create is answered", async () => {
    const { page, client, listId } = stage;
    let letPost = () => {};
    const postGate = new Promise<void>((resolve) => (letPost = resolve));
    let letPut = () => {};
    const putGate = new Promise<void>((resolve) => (letPut = resolve));
    let held = 0;
    const id = await copyShown((req) => {
      if (req.method === "POST") return (held++, { until: postGate });
      if (req.method === "PUT") return (held++, { answerAfter: putGate });
      return undefined;
    });
    const copy = copyOf(id);
    copy.notes = "2 litres";
    copy.save({ remote: true });
    void page.atmos.push();
    while (held < 2) await wait(10);
    letPost();
    await wait(100);
    copy.notes = "3 litres";
    copy.save({ remote: true });
    letPut();
    await page.atmos.whenSynced();
    const server = await client.all(`/lists/${listId}/tasks`);
    expect(server.map((t) => [t.title, t.notes])).to.deep.equal([["Oat milk", "3 litres"]]);
    expect(Task().all().map((t: any) => [t.title, t.notes, t.syncState()])).to.deep.equal([["Oat milk", "3 litres", "synced"]]);
  });
});
