import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * A task's checkbox, once ticked, takes its row down to "Completed", and the
 * next task slides up under the finger or pointer. A double tap (or a double
 * click, a habit of many) is one intention: it must not tick that next task,
 * which the user never aimed at.
 */
describe("Tasks app: a double tap on a task's checkbox completes that task only", function () {
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
});
