import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * A task's checkbox, once ticked, takes its row down to "Completed", and the
 * next task slides up under the finger or pointer; a deleted task leaves, the
 * toast goes, the Sync panel opens over the page. A double tap (or a double
 * click, a habit of many) is one intention: its second tap must not act on
 * what took the place of what it was aimed at.
 */
describe("Tasks app: a double tap is one tap, on what it was aimed at", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** Three open tasks; where the first one shown has its checkbox, and the titles in the order shown. */
  async function threeTasks(page: Page): Promise<{ x: number; y: number; first: string; rest: string[] }> {
    await addList(page, "Errands");
    await addTasks(page, "Buy stamps", "Post the letter", "Call the bank");
    await synced(page);
    const [first, ...rest] = (await shownTasks(page)).open;
    const box = (await page.getByLabel(`Done: ${first}`).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2, first, rest };
  }

  async function onlyCompleted(page: Page, first: string, rest: string[]): Promise<void> {
    await eventually(async () => expect(await shownTasks(page)).to.deep.equal({ open: rest, done: [first] }));
    await synced(page);
    const list = (await harness.listNamed("Errands"))!;
    const done = (await harness.tasks(list.id)).filter((task) => task.status === "completed").map((task) => task.title);
    expect(done, "completed on the server").to.deep.equal([first]);
  }

  it("with a mouse: a double click ticks the task clicked, not the one that moved under the pointer", async () => {
    const page = await harness.openDevice();
    const { x, y, first, rest } = await threeTasks(page);
    await page.mouse.dblclick(x, y);
    await onlyCompleted(page, first, rest);
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  it("on a phone: two quick taps tick the task tapped, not the one that slid under the finger", async () => {
    const page = await harness.openDevice({ width: 390, height: 844 }, { touch: true });
    const { x, y, first, rest } = await threeTasks(page);
    await page.touchscreen.tap(x, y);
    await page.touchscreen.tap(x, y);
    await onlyCompleted(page, first, rest);
    expect(harness.pageErrors(page)).to.deep.equal([]);
  });

  it("still completes the next task with a separate, later tap on it", async () => {
    const page = await harness.openDevice({ width: 390, height: 844 }, { touch: true });
    const { x, y, first, rest } = await threeTasks(page);
    await page.touchscreen.tap(x, y);
    await eventually(async () => expect((await shownTasks(page)).done).to.deep.equal([first]));
    // Longer than any double-tap interval: a new, deliberate tap.
    await page.waitForTimeout(800);
    await page.touchscreen.tap(x, y);
    await eventually(async () => {
      const { open, done } = await shownTasks(page);
      expect({ open, done: done.sort() }).to.deep.equal({ open: rest.slice(1), done: [first, rest[0]].sort() });
    });
  });

  /** Taps twice at the middle of `box`, as quickly as a double tap. */
  async function doubleTap(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  }

  async function phoneWithTasks(list: string, count: number): Promise<Page> {
    const page = await harness.openDevice({ width: 360, height: 640 }, { touch: true });
    await addList(page, list);
    await addTasks(page, ...Array.from({ length: count }, (_, i) => `${list} ${i + 1}`));
    await synced(page);
    return page;
  }

  // Found by a review at phone size, as the checkbox: each of these took the second tap for a tap on what came under the finger.
  it("deletes one task with two quick taps on its ×: the next one, slid under the finger, stays", async () => {
    const page = await phoneWithTasks("Nervous", 4);
    const [first, ...rest] = (await shownTasks(page)).open;
    await doubleTap(page, (await page.getByRole("button", { name: `Delete ${first}` }).boundingBox())!);
    await page.locator(".undo-toast", { hasText: "Task deleted" }).waitFor();
    await eventually(async () => expect((await shownTasks(page)).open).to.deep.equal(rest));
  });

  it("opens the Sync panel with two quick taps on the status pill, and leaves it open", async () => {
    const page = await phoneWithTasks("Pill", 1);
    await doubleTap(page, (await page.locator(".status .pill").boundingBox())!);
    await page.waitForTimeout(500);
    expect(await page.locator("#sync-panel").isVisible()).to.equal(true);
  });

  it("brings a task back with two quick taps on the toast's Undo, and opens no task under it", async () => {
    const page = await phoneWithTasks("Undone", 12);
    const [first] = (await shownTasks(page)).open;
    await page.getByRole("button", { name: `Delete ${first}` }).tap();
    await doubleTap(page, (await page.locator(".undo-toast .undo").boundingBox())!);
    await eventually(async () => expect((await shownTasks(page)).open).to.include(first));
    await page.waitForTimeout(300);
    expect(await page.locator(".task-edit").count(), "no edit form opened").to.equal(0);
  });

  it("closes the toast with two quick taps on its ×, and deletes no task under it", async () => {
    const page = await phoneWithTasks("Dismissed", 12);
    const [first, ...rest] = (await shownTasks(page)).open;
    await page.getByRole("button", { name: `Delete ${first}` }).tap();
    await doubleTap(page, (await page.locator(".undo-toast .undo-close").boundingBox())!);
    await page.locator(".undo-toast").waitFor({ state: "detached" });
    await page.waitForTimeout(300);
    expect((await shownTasks(page)).open).to.deep.equal(rest);
  });

  it("still lets a double click on the same thing do what it does there: the list's name opens its rename form", async () => {
    const page = await harness.openDevice();
    await addList(page, "Renamed by a double click");
    await page.locator(".list-title").dblclick();
    expect(await page.getByLabel("List name").inputValue()).to.equal("Renamed by a double click");
  });
});
