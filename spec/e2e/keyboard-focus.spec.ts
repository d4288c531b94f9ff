import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, synced, TasksAppHarness } from "./tasks-app-harness";

/** What has the keyboard focus: its accessible name, or BODY when focus fell off the page's controls. */
const focusName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "BODY";
    const label = (el as HTMLInputElement).labels?.[0]?.textContent;
    return (el.getAttribute("aria-label") || label || el.textContent || el.tagName).trim().replace(/\s+/g, " ");
  });

/**
 * Found from outside with the keyboard (and screen-reader users meet the
 * same): after choosing a list, completing a task or deleting a list, focus
 * fell to the page's body, so the next Tab started again from the top or
 * skipped the remaining open tasks.
 */
describe("Tasks app: the keyboard focus stays where the person is working", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("stays on a list chosen with Enter or Space, also when a sync repaints the lists", async () => {
    const page = await harness.openDevice();
    await addList(page, "Chores");
    await addList(page, "Garden");
    await synced(page);
    const chores = page.locator(".list-select", { has: page.locator(".list-name", { hasText: /^Chores$/ }) });
    await chores.focus();
    await page.keyboard.press("Enter");
    await page.locator(".list-title", { hasText: "Chores" }).waitFor();
    expect(await focusName(page)).to.match(/^Chores/);
    const garden = page.locator(".list-select", { has: page.locator(".list-name", { hasText: /^Garden$/ }) });
    await garden.focus();
    await page.keyboard.press("Space");
    await page.locator(".list-title", { hasText: "Garden" }).waitFor();
    expect(await focusName(page)).to.match(/^Garden/);
    // A task added in another list changes its count: the sidebar repaints.
    await page.evaluate(() => {
      const app = (window as any).tasksApp;
      const list = app.List.all().find((l: any) => l.title === "Chores");
      new app.Task({ title: "Sweep", status: "needsAction", taskListID: list.id }).save({ remote: true });
    });
    await page.locator(".list-select .list-count", { hasText: "1" }).waitFor();
    expect(await focusName(page), "after the lists were repainted").to.match(/^Garden/);
  });

  it("stays on a task's checkbox when Space completes it and when Space opens it again", async () => {
    const page = await harness.openDevice();
    await addList(page, "Errands");
    await addTasks(page, "Post the letter", "Buy stamps", "Water the plants");
    await synced(page);
    await page.getByLabel("Done: Buy stamps").focus();
    await page.keyboard.press("Space");
    await page.locator(".done-tasks .task-title", { hasText: "Buy stamps" }).waitFor();
    expect(await focusName(page)).to.equal("Done: Buy stamps");
    await synced(page);
    expect(await focusName(page), "once the change was sent").to.equal("Done: Buy stamps");
    await page.keyboard.press("Space");
    await page.locator(".open-tasks .task-title", { hasText: "Buy stamps" }).waitFor();
    expect(await focusName(page)).to.equal("Done: Buy stamps");
  });

  // Found on a phone review: online, the save repainted the heading (its sync mark
  // changed) and focus fell to the body; offline it stayed, as nothing was sent.
  it("stays on Rename after a list is renamed with Enter and the new name is sent", async () => {
    const page = await harness.openDevice();
    await addList(page, "Old name");
    await synced(page);
    await page.locator(".rename-list").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("New name");
    await page.keyboard.press("Enter");
    await page.locator(".list-title", { hasText: "New name" }).waitFor();
    expect(await focusName(page)).to.equal("Rename list New name");
    await synced(page);
    expect(await focusName(page), "once the new name was sent").to.equal("Rename list New name");
  });

  // Found by an audit: Esc cancelled only from the name field; from Save or Cancel it did nothing.
  it("cancels a rename with Esc from the form's Save and Cancel buttons too, back on Rename with the name kept", async () => {
    const page = await harness.openDevice();
    await addList(page, "Keep this name");
    await synced(page);
    for (const button of ["Save", "Cancel"]) {
      await page.locator(".rename-list").focus();
      await page.keyboard.press("Enter");
      await page.keyboard.type("Not this one");
      await page.locator(".rename-form").getByRole("button", { name: button }).focus();
      await page.keyboard.press("Escape");
      expect(await page.locator(".rename-form").count(), `the form is closed after Esc on ${button}`).to.equal(0);
      expect(await page.locator(".list-title").textContent()).to.equal("Keep this name");
      expect(await focusName(page), `after Esc on ${button}`).to.equal("Rename list Keep this name");
    }
  });

  it("moves to the neighbouring list when the list is deleted with the keyboard, and to New list when none is left", async () => {
    const page = await harness.openDevice();
    for (const list of await harness.lists()) await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    await page.reload();
    for (const title of ["A first", "B second", "C third"]) await addList(page, title);
    await synced(page);
    const order = (await page.locator(".list-select .list-name").allTextContents()).map((t) => t.trim());
    // The middle one: the list that took its place (the next, else the one before) is shown and focused, not the first.
    const middle = order[1];
    await page.locator(".list-select", { has: page.locator(".list-name", { hasText: new RegExp(`^${middle}$`) }) }).click();
    await page.locator(".list-title", { hasText: middle }).waitFor();
    await page.locator(".delete-list").focus();
    await page.keyboard.press("Enter");
    await page.locator(".list-title", { hasText: order[2] }).waitFor();
    expect(await focusName(page)).to.match(new RegExp(`^${order[2]}`));
    await page.locator(".delete-list").focus();
    await page.keyboard.press("Enter");
    await page.locator(".list-title", { hasText: order[0] }).waitFor();
    expect(await focusName(page)).to.match(new RegExp(`^${order[0]}`));
    await page.locator(".delete-list").focus();
    await page.keyboard.press("Enter");
    await page.locator(".no-list").waitFor();
    expect(await focusName(page)).to.equal("New list");
  });

  // Found by an audit: each of these left the focus on the page's body.
  it("moves to the new-task field when Clear completed is pressed with Enter and the Completed section goes", async () => {
    const page = await harness.openDevice();
    await addList(page, "Cleared by keys");
    await addTasks(page, "Keep me", "Finished one");
    await page.getByLabel("Done: Finished one").check();
    await synced(page);
    await page.getByRole("button", { name: "Clear completed" }).focus();
    await page.keyboard.press("Enter");
    await page.locator(".done-section").waitFor({ state: "hidden" });
    expect(await focusName(page)).to.equal("New task");
  });

  // Found by a review at phone size: a tap on Clear completed focused the
  // new-task field, which brings up a phone's keyboard.
  it("leaves the new-task field unfocused when Clear completed is tapped on a phone", async () => {
    const page = await harness.openDevice({ width: 360, height: 640 }, { touch: true });
    await addList(page, "Cleared by a tap");
    await addTasks(page, "Keep me", "Finished one");
    await page.getByLabel("Done: Finished one").tap();
    await synced(page);
    await page.getByRole("button", { name: "Clear completed" }).tap();
    await page.locator(".done-section").waitFor({ state: "hidden" });
    expect(await focusName(page)).to.not.equal("New task");
  });

  it("moves to the neighbouring task when Undo drops a new task the server refused", async () => {
    const page = await harness.openDevice();
    await addList(page, "Refused new");
    await addTasks(page, "Already saved");
    await synced(page);
    await page.context().route("**/tasks/v1/lists/*/tasks", (route) =>
      route.request().method() === "POST" ? route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: { code: 400, message: "Invalid task" } }) }) : route.continue(),
    );
    await addTasks(page, "Never saved");
    await page.locator(".task.is-failed").waitFor();
    await page.getByRole("button", { name: "Undo changes to Never saved" }).focus();
    await page.keyboard.press("Enter");
    await page.locator(".task-title", { hasText: "Never saved" }).waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.closest(".task")?.querySelector(".task-title")?.textContent ?? document.activeElement?.tagName)).to.equal("Already saved");
  });

  it("stays in the New list field when Esc empties it", async () => {
    const page = await harness.openDevice();
    await page.getByLabel("New list").fill("Second thoughts");
    await page.getByLabel("New list").press("Escape");
    expect(await page.getByLabel("New list").inputValue()).to.equal("");
    expect(await focusName(page)).to.equal("New list");
  });
});
