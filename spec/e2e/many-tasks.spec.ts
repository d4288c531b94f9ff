import { expect } from "chai";
import { synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a new user whose account had grown to 43 lists and 287 tasks: a
 * reload, "Sync now" or coming back online froze the page for about 50 s.
 * Spine tells of every record a pull refreshes (a refresh and a change
 * event each), and the sidebar repainted every list, counting every task,
 * at each one. A pull now repaints it a few times, not once per record.
 * (How long it takes is for the benchmarks; this counts the repaints.)
 */
describe("Tasks app: an account with many lists and tasks", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("repaints the sidebar a few times per pull, not once per task", async () => {
    for (let l = 1; l <= 12; l++) {
      const list = await harness.api("POST", "/users/@me/lists", { title: `List ${l}` });
      for (let t = 1; t <= 10; t++) await harness.api("POST", `/lists/${list.id}/tasks`, { title: `Task ${l}.${t}` });
    }
    const page = await harness.openDevice();
    await page.locator(".list-select", { hasText: "List 12" }).waitFor();
    await synced(page);
    // Every task changes on the server, so the next pull refreshes each of them here.
    for (const list of await harness.lists()) {
      for (const task of await harness.tasks(list.id)) await harness.api("PATCH", `/lists/${list.id}/tasks/${task.id}`, { notes: "changed elsewhere" });
    }
    await page.evaluate(() => {
      const w = window as unknown as { repaints: number };
      w.repaints = 0;
      // One record with added nodes per repaint (the observer's callback batches them).
      new MutationObserver((records) => (w.repaints += records.filter((r) => r.addedNodes.length > 0).length)).observe(document.querySelector(".lists")!, { childList: true });
    });
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.locator(".pill[data-state='syncing']").waitFor({ state: "detached" }).catch(() => undefined);
    await synced(page);
    const notes = await page.evaluate(() => (window as any).tasksApp.Task.all().filter((t: { notes?: string }) => t.notes === "changed elsewhere").length);
    expect(notes, "every task pulled").to.equal(120);
    const repaints = await page.evaluate(() => (window as unknown as { repaints: number }).repaints);
    // A pull per list, and the lists' own: a few per list, not one per task (there are 10 tasks per list).
    expect(repaints, "sidebar repaints during the pull").to.be.at.most(12 + 6);
  });
});
