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
 * one task), and the user destroys that copy. When the create's retry is
 * answered (the server replays the first answer: the copy's id) the two
 * become one record, and that record is the one the user destroyed: it must
 * not come back, on the page or on the server.
 * (Two-device chaos seed 7014, --steps 120: B destroyed B3's pulled copy
 * while B3's create waited for its retry; B3 came back and stayed on the server.)
 */
describe("offline: a destroy of the server's copy of a create whose answer was lost", () => {
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

  it("keeps the task destroyed when the create's retry is answered with the copy's id", async () => {
    const { page, client, listId } = stage;
    let letGo = () => {};
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let retries = 0;
    // The next POST finds the network down (the page goes offline and probes with the oldest change, the create); the one after is held.
    const id = await copyShown((req) => (req.method !== "POST" ? undefined : ++retries === 1 ? "drop-request" : { until: gate }));
    const offline = new Promise<void>((resolve) => page.atmos.on("offline", () => resolve()));
    void page.atmos.push();
    await offline;
    Task().find(id).destroy({ remote: true });
    void page.atmos.push();
    while (retries < 2) await wait(10);
    letGo();
    await page.atmos.whenSynced();
    await page.atmos.push();

    expect(Task().all().map((t: any) => [t.id, t.title]), "the page shows the destroyed task again").to.deep.equal([]);
    expect(await client.all(`/lists/${listId}/tasks`), "the server keeps the destroyed task").to.deep.equal([]);
  });

  it("keeps the task destroyed when the copy's delete was answered before the create's retry", async () => {
    const { page, client, listId } = stage;
    let letGo = () => {};
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let retried = false;
    const id = await copyShown((req) => (req.method === "POST" ? ((retried = true), { until: gate }) : undefined));
    while (!retried) await wait(10);
    Task().find(id).destroy({ remote: true });
    while ((await client.all(`/lists/${listId}/tasks`)).length) await wait(10);
    letGo();
    await page.atmos.whenSynced();
    await page.atmos.push();

    expect(Task().all().map((t: any) => [t.id, t.title]), "the page shows the destroyed task again").to.deep.equal([]);
    expect(page.atmos.dirty("Task"), "changes left to send").to.deep.equal([]);
    expect(await client.all(`/lists/${listId}/tasks`), "the server has the task again").to.deep.equal([]);
  });

  it("keeps the task destroyed without remote when push() follows the create's answer", async () => {
    const { page, client, listId } = stage;
    const id = await copyShown(() => undefined);
    Task().find(id).destroy();
    // The create's retry is answered (backoff); the destroy waits for push().
    await wait(1500);
    await page.atmos.push();
    await page.atmos.whenSynced();

    expect(Task().all().map((t: any) => [t.id, t.title]), "the page shows the destroyed task again").to.deep.equal([]);
    expect(await client.all(`/lists/${listId}/tasks`), "the server keeps the destroyed task").to.deep.equal([]);
  });
});
