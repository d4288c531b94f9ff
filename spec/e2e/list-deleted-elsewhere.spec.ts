import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a new user trying two devices: tasks added offline to a list that
 * another device deleted meanwhile stayed "not saved" for good, in no list
 * on the page, and the Sync panel showed atmos2's message for developers.
 * The page now says what happened and offers to keep them in a new list.
 */
describe("Tasks app: tasks added offline to a list deleted on another device", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** What the toast says now ("" when none shows). */
  const toastText = (page: Page) => page.evaluate(() => document.querySelector(".undo-toast .undo-text")?.textContent ?? "");

  /** Adds `titles` offline to a new synced list `name`, which the server then deletes; back online. */
  async function addedToADeletedList(page: Page, name: string, ...titles: string[]): Promise<void> {
    await addList(page, name);
    await addTasks(page, "Already there");
    await synced(page);
    const list = (await harness.listNamed(name))!;
    await page.context().setOffline(true);
    await addTasks(page, ...titles);
    await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    // Back online, the page sends what waited and pulls.
    await page.context().setOffline(false);
  }

  it("offers to keep them in a new list of the same name, and 'Keep them' saves them there on the server", async () => {
    const page = await harness.openDevice();
    await addedToADeletedList(page, "Shopping", "Bread", "Eggs", "Milk");

    const toast = page.locator(".undo-toast");
    // Counted once every refusal is in (they come one by one: the first count said 1 of 3).
    await eventually(async () => expect(await toastText(page)).to.equal("The list “Shopping” was deleted on another device before 3 tasks saved here reached it."));
    await toast.getByRole("button", { name: "Keep them" }).click();

    await synced(page);
    const kept = await eventually(async () => {
      const list = await harness.listNamed("Shopping");
      expect(list, "a new list on the server").to.not.equal(undefined);
      const tasks = (await harness.tasks(list!.id)).map((t) => t.title).sort();
      expect(tasks).to.deep.equal(["Bread", "Eggs", "Milk"]);
      return list!;
    });
    await page.locator(".list-select", { hasText: "Shopping" }).click();
    await eventually(async () => expect((await shownTasks(page)).open.sort()).to.deep.equal(["Bread", "Eggs", "Milk"]));
    expect(await page.locator(".pill[data-state='synced']").count(), "nothing left unsent").to.equal(1);
    expect((await harness.lists()).filter((l) => l.id === kept.id)).to.have.length(1);
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  it("offers the tasks of two lists deleted at once in one toast, and keeps both", async () => {
    const page = await harness.openDevice();
    await addList(page, "Work");
    await addList(page, "Home");
    await synced(page);
    const work = (await harness.listNamed("Work"))!;
    const home = (await harness.listNamed("Home"))!;
    await page.context().setOffline(true);
    await addTasks(page, "Fix the tap");
    await page.locator(".list-select", { hasText: "Work" }).click();
    await addTasks(page, "Send the report");
    for (const list of [work, home]) await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    await page.context().setOffline(false);
    const toast = page.locator(".undo-toast");
    await eventually(async () => expect(await toastText(page)).to.match(/^2 lists \((“Work”, “Home”|“Home”, “Work”)\) were deleted on another device before 2 tasks saved here reached them\.$/));
    await toast.getByRole("button", { name: "Keep them" }).click();
    await eventually(async () => {
      const lists = await harness.lists();
      const titles = await Promise.all(["Work", "Home"].map(async (name) => (await harness.tasks(lists.find((l) => l.title === name)!.id)).map((t) => t.title)));
      expect(titles).to.deep.equal([["Send the report"], ["Fix the tap"]]);
    });
  });

  it("drops them when the person says so: nothing is left waiting", async () => {
    const page = await harness.openDevice();
    await addedToADeletedList(page, "Party", "Balloons");

    const toast = page.locator(".undo-toast");
    await toast.waitFor();
    await toast.getByRole("button", { name: "Dismiss" }).click();
    // Dismissed, the offer stays in the Sync panel, in words a person reads.
    await page.locator(".pill").click();
    const row = page.locator(".outbox-row", { hasText: "Balloons" });
    expect(await row.locator(".outbox-error").innerText()).to.contain("Its list “Party” was deleted on another device");
    await row.getByRole("button", { name: /^Undo/ }).click();
    await page.locator(".outbox-empty").waitFor();
    expect(await harness.listNamed("Party")).to.equal(undefined);
  });

  it("keeps them from the Sync panel once the notice is gone", async () => {
    const page = await harness.openDevice();
    await addedToADeletedList(page, "Garden", "Rake leaves");
    await page.locator(".undo-toast").getByRole("button", { name: "Dismiss" }).click();
    await page.locator(".pill").click();
    await page.getByRole("button", { name: "Keep Rake leaves in a new list" }).click();
    await page.locator(".outbox-empty").waitFor();
    await eventually(async () => {
      const list = await harness.listNamed("Garden");
      expect((await harness.tasks(list!.id)).map((t) => t.title)).to.deep.equal(["Rake leaves"]);
    });
  });

  // Found by a review at phone size: the header's red Retry sent the tasks
  // again, to be refused again, flashed "Saving 2…" and said nothing more.
  it("opens the Sync panel, where Keep is, from the header's Retry", async () => {
    const page = await harness.openDevice({ width: 390, height: 844 }, { touch: true });
    await addedToADeletedList(page, "Shed", "Oil the hinges");
    await page.locator(".undo-toast").getByRole("button", { name: "Dismiss" }).tap();
    await page.locator(".pill-action[data-action='retry']").tap();
    await page.getByRole("button", { name: "Keep Oil the hinges in a new list" }).tap();
    await page.locator(".outbox-empty").waitFor();
  });

  it("still names the list after a reload, and keeps them under that name", async () => {
    const page = await harness.openDevice();
    await addedToADeletedList(page, "Holiday", "Passport");
    await page.locator(".undo-toast").waitFor();
    await page.reload();
    const toast = page.locator(".undo-toast");
    await toast.waitFor();
    expect(await toast.locator(".undo-text").innerText()).to.equal("The list “Holiday” was deleted on another device before 1 task saved here reached it.");
    await toast.getByRole("button", { name: "Keep them" }).click();
    await eventually(async () => {
      const list = await harness.listNamed("Holiday");
      expect((await harness.tasks(list!.id)).map((t) => t.title)).to.deep.equal(["Passport"]);
    });
  });

  // Found by an outside re-check: with the list made on another device, the
  // pull that removed it came before the refusals, and the name went with it.
  it("names a list made on another device, whose deletion arrives before the tasks are refused", async () => {
    const made = await harness.api("POST", "/users/@me/lists", { title: "Made elsewhere" });
    const page = await harness.openDevice();
    await page.locator(".list-select", { hasText: "Made elsewhere" }).click();
    await synced(page);
    await page.context().setOffline(true);
    await addTasks(page, "One", "Two", "Three");
    await harness.api("DELETE", `/users/@me/lists/${made.id}`);
    // The tasks' creates are slow to get their answers: the pull that removes the list comes first.
    await page.context().route("**/tasks/v1/lists/*/tasks", async (route) => {
      if (route.request().method() === "POST") await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.context().setOffline(false);
    await eventually(async () => expect(await toastText(page)).to.equal("The list “Made elsewhere” was deleted on another device before 3 tasks saved here reached it."));
    await page.locator(".undo-toast").getByRole("button", { name: "Keep them" }).click();
    await eventually(async () => {
      const list = await harness.listNamed("Made elsewhere");
      expect((await harness.tasks(list!.id)).map((t) => t.title).sort()).to.deep.equal(["One", "Three", "Two"]);
    });
  });
});
