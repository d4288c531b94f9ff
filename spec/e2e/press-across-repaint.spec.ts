import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/**
 * A click is a press and a release. When a change arrives in between (a live
 * update, a sync step) and the app repaints what was pressed, the click must
 * still land: a button replaced meanwhile gets no click at all.
 */
describe("Tasks app: a click whose press and release come either side of a repaint", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  /** Presses `target`, runs `meanwhile` (which waits for the repaint), then releases. */
  async function clickAcross(page: Page, target: Locator, meanwhile: () => Promise<void>): Promise<void> {
    const box = (await target.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await meanwhile();
    await page.mouse.up();
  }

  async function liveDevice(): Promise<Page> {
    const page = await harness.openDevice();
    await page.locator(".live-badge[data-state='on']").waitFor();
    return page;
  }

  it("deletes a task whose title another device changed while Delete was held down", async () => {
    const page = await liveDevice();
    await addList(page, "Errands");
    await addTasks(page, "Buy stamps", "Post the letter");
    await synced(page);
    const list = (await harness.listNamed("Errands"))!;
    const task = (await harness.tasks(list.id)).find((t) => t.title === "Buy stamps")!;

    await clickAcross(page, page.getByRole("button", { name: "Delete Buy stamps" }), async () => {
      await harness.api("PATCH", `/lists/${list.id}/tasks/${task.id}`, { title: "Buy stickers" });
      await page.locator(".task-title", { hasText: "Buy stickers" }).waitFor();
    });

    await eventually(async () => expect((await shownTasks(page)).open).to.deep.equal(["Post the letter"]));
    await synced(page);
    expect((await harness.tasks(list.id)).map((t) => t.title)).to.deep.equal(["Post the letter"]);
  });

  it("opens a list whose count another device changed while it was held down", async () => {
    const page = await liveDevice();
    await addList(page, "Garden");
    await addList(page, "Shed");
    await synced(page);
    const garden = page.locator(".list-select", { hasText: "Garden" });
    expect(await garden.getAttribute("aria-current")).to.equal(null);
    const list = (await harness.listNamed("Garden"))!;

    await clickAcross(page, garden, async () => {
      await harness.api("POST", `/lists/${list.id}/tasks`, { title: "Added elsewhere" });
      await garden.locator(".list-count", { hasText: "1" }).waitFor();
    });

    await eventually(async () => expect(await garden.getAttribute("aria-current")).to.equal("true"));
    expect(await page.locator(".list-title").innerText()).to.equal("Garden");
  });
});
