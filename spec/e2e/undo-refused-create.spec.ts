import { expect } from "chai";
import { addList, addTasks, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

const refuse400 = { status: 400, contentType: "application/json", body: JSON.stringify({ error: { code: 400, message: "Invalid value for field title" } }) };

/**
 * Found by a phone-size review: "Undo" on a task the server refused to
 * create (or, in the Sync panel, on a create still waiting offline) deleted
 * the task for good, with no toast and no way back, though it sits right
 * next to Retry. A record the server never had now goes with an offer to
 * bring it back, as a delete does.
 */
describe("Tasks app: Undo of a task the server never had", function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("takes the row away with a toast whose Undo brings the task back, as typed", async () => {
    const page = await harness.openDevice();
    await addList(page, "Careful");
    await synced(page);
    let refusing = true;
    await page.context().route("**/tasks/v1/lists/*/tasks", (route) => (refusing && route.request().method() === "POST" ? route.fulfill(refuse400) : route.continue()));
    await addTasks(page, "A long carefully typed task");
    await page.locator(".task.is-failed").waitFor();

    await page.getByRole("button", { name: "Undo changes to A long carefully typed task" }).click();
    await page.locator(".task.is-failed").waitFor({ state: "detached" });
    expect((await shownTasks(page)).open).to.deep.equal([]);
    const toast = page.locator("#undo-toast .undo-toast");
    expect(await toast.locator(".undo-text").innerText()).to.equal("Task discarded");

    refusing = false;
    await toast.getByRole("button", { name: "Undo" }).click();
    expect((await shownTasks(page)).open).to.deep.equal(["A long carefully typed task"]);
    await synced(page);
    const list = (await harness.listNamed("Careful"))!;
    expect((await harness.tasks(list.id)).map((t) => t.title)).to.deep.equal(["A long carefully typed task"]);
  });
});
