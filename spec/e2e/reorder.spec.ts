import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, smallTargets, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * Found by a new user: there was no way to put tasks in another order. The
 * edit form's Move up / Move down use Google's move endpoint; the server
 * sets the positions, so every device shows the new order.
 */
describe("Tasks app: putting tasks in another order", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** The open tasks' titles as shown, the one whose edit form is open included (its title field). */
  const shownOrder = (page: Page) =>
    page.locator(".open-tasks .task").evaluateAll((rows) =>
      rows.map((row) => row.querySelector(".task-title")?.textContent ?? (row.querySelector(".edit-title") as HTMLInputElement | null)?.value ?? ""));

  /** The list's open task titles in the server's order. */
  async function serverOrder(listName: string): Promise<string[]> {
    const list = (await harness.listNamed(listName))!;
    return (await harness.tasks(list.id)).filter((t) => t.status !== "completed").sort((a, b) => a.position.localeCompare(b.position)).map((t) => t.title);
  }

  it("moves a task up and down from its edit form, on the server too, at phone size with a finger", async () => {
    const page = await harness.openDevice({ width: 375, height: 667 }, { touch: true });
    await addList(page, "Morning");
    await addTasks(page, "Shower", "Coffee", "Emails");
    await synced(page);
    // A new task goes first, as in Google's apps.
    expect((await shownTasks(page)).open).to.deep.equal(["Emails", "Coffee", "Shower"]);

    await page.getByRole("button", { name: "Edit Shower" }).tap();
    expect(await smallTargets(page, ".edit-move")).to.deep.equal([]);
    await page.getByRole("button", { name: "Move up" }).tap();
    await eventually(async () => expect(await shownOrder(page)).to.deep.equal(["Emails", "Shower", "Coffee"]));
    await page.getByRole("button", { name: "Move up" }).tap();
    await eventually(async () => expect(await shownOrder(page)).to.deep.equal(["Shower", "Emails", "Coffee"]));
    // First now: up goes nowhere, and says so by being off.
    await eventually(async () => expect(await page.getByRole("button", { name: "Move up" }).isDisabled()).to.equal(true));
    expect(await serverOrder("Morning")).to.deep.equal(["Shower", "Emails", "Coffee"]);
    // And looks off (found by a phone-size review: it had the colour and opacity of the live Move down).
    const opacity = (name: string) => page.getByRole("button", { name }).evaluate((el) => Number(getComputedStyle(el).opacity));
    expect(await opacity("Move up")).to.be.below(0.6);
    expect(await opacity("Move down")).to.equal(1);

    await page.getByRole("button", { name: "Move down" }).tap();
    await eventually(async () => expect(await shownOrder(page)).to.deep.equal(["Emails", "Shower", "Coffee"]));
    expect(await serverOrder("Morning")).to.deep.equal(["Emails", "Shower", "Coffee"]);
    // Another device opens it in that order.
    const other = await harness.openDevice();
    await other.locator(".list-select", { hasText: "Morning" }).click();
    await eventually(async () => expect((await shownTasks(other)).open).to.deep.equal(["Emails", "Shower", "Coffee"]));
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  // Found by reviews: the last Move down turned its button off, and the focus
  // fell to the page's body, with no ring; a Move up to the top sent it to
  // the next task's Edit button, and Enter then closed this form and opened that one.
  const toTheEnd = [
    { end: "end", list: "Kitchen", tasks: ["Dinner", "Dishes"], edit: "Dishes", press: "Move down", order: ["Dinner", "Dishes"], focus: "Move up" },
    { end: "top", list: "Pantry", tasks: ["Rice", "Beans"], edit: "Rice", press: "Move up", order: ["Rice", "Beans"], focus: "Move down" },
  ];
  for (const { end, list, tasks, edit, press, order, focus } of toTheEnd) {
    it(`keeps the keyboard focus in the form when a move takes the task to the ${end}`, async () => {
      const page = await harness.openDevice();
      await addList(page, list);
      await addTasks(page, ...tasks);
      await synced(page);
      await page.getByRole("button", { name: `Edit ${edit}` }).click();
      await page.getByRole("button", { name: press }).focus();
      await page.keyboard.press("Enter");
      await eventually(async () => expect(await shownOrder(page)).to.deep.equal(order));
      await eventually(async () => expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).to.equal(focus));
      expect(await page.locator(".task-edit").count(), "one form open, the moved task's").to.equal(1);
    });
  }

  // Found by a review: each press moved the form away with its task, and a
  // second press at the same spot opened the task that had taken its place.
  it("keeps the task being moved under the finger, so pressing Move up again moves it again", async () => {
    const page = await harness.openDevice({ width: 375, height: 667 }, { touch: true });
    await addList(page, "Chores");
    const titles = Array.from({ length: 12 }, (_, i) => `Chore ${i + 1}`);
    await addTasks(page, ...titles);
    await synced(page);
    const before = (await shownTasks(page)).open;
    const moving = before[7];
    await page.getByRole("button", { name: `Edit ${moving}` }).tap();
    const up = page.getByRole("button", { name: "Move up" });
    await up.evaluate((el) => el.scrollIntoView({ block: "center" }));
    const box = (await up.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];

    for (const place of [6, 5]) {
      await page.touchscreen.tap(x, y);
      const expected = before.filter((title) => title !== moving);
      expected.splice(place, 0, moving);
      await eventually(async () => expect(await shownOrder(page)).to.deep.equal(expected));
      const now = (await up.boundingBox())!;
      expect(Math.abs(now.y - box.y), `Move up stays under the finger (was at ${box.y}, now ${now.y})`).to.be.below(2);
    }
    expect(await page.locator(".task-edit").count(), "one form open, the moved task's").to.equal(1);
    expect(await serverOrder("Chores")).to.deep.equal(await shownOrder(page));
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  it("says that moving needs the server when offline, and changes nothing", async () => {
    const page = await harness.openDevice();
    await addList(page, "Evening");
    await addTasks(page, "Read", "Walk");
    await synced(page);
    await page.context().setOffline(true);
    await page.getByRole("button", { name: "Edit Read" }).click();
    await page.getByRole("button", { name: "Move up" }).click();
    const toast = page.locator(".undo-toast");
    await toast.waitFor();
    expect(await toast.locator(".undo-text").innerText()).to.equal("Moving a task needs the server: try again once you're back online.");
    expect(await shownOrder(page)).to.deep.equal(["Walk", "Read"]);
    await page.context().setOffline(false);
    expect(await serverOrder("Evening")).to.deep.equal(["Walk", "Read"]);
  });
});
