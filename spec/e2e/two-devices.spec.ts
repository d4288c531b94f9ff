import { expect } from "chai";
import { addList, addTasks, eventually, shownTasks, synced, TasksAppHarness } from "./tasks-app-harness";

describe("Tasks app: two devices", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("shows changes made on one device on the other after a sync", async () => {
    const laptop = await harness.openDevice();
    await addList(laptop, "Shared");
    await addTasks(laptop, "Buy a gift", "Book a table");
    await synced(laptop);

    // A second device with empty storage loads everything from the server.
    const phone = await harness.openDevice({ width: 390, height: 844 });
    await phone.locator(".list-title", { hasText: "Shared" }).waitFor();
    await eventually(async () => expect((await shownTasks(phone)).open.sort()).to.deep.equal(["Book a table", "Buy a gift"]));

    // The phone edits; the laptop catches up when it syncs.
    await phone.getByLabel("Done: Book a table").check();
    await addTasks(phone, "Wrap the gift");
    await synced(phone);
    await laptop.getByRole("button", { name: "Sync now" }).click();
    await eventually(async () =>
      expect(await shownTasks(laptop)).to.deep.equal({ open: ["Wrap the gift", "Buy a gift"], done: ["Book a table"] }),
    );

    // And back: the laptop renames the list and deletes a task.
    await laptop.getByRole("button", { name: "Rename list Shared" }).click();
    await laptop.getByLabel("List name").fill("Birthday");
    await laptop.getByLabel("List name").press("Enter");
    await laptop.getByRole("button", { name: "Delete Buy a gift" }).click();
    await synced(laptop);
    await phone.reload();
    await phone.locator(".list-title", { hasText: "Birthday" }).waitFor();
    await eventually(async () => expect(await shownTasks(phone)).to.deep.equal({ open: ["Wrap the gift"], done: ["Book a table"] }));
  });

  it("removes a list deleted on another device", async () => {
    const laptop = await harness.openDevice();
    await addList(laptop, "Temporary");
    await addTasks(laptop, "Short-lived");
    await synced(laptop);
    const phone = await harness.openDevice();
    await phone.locator(".list-select", { hasText: "Temporary" }).waitFor();

    await laptop.getByRole("button", { name: "Delete list Temporary" }).click();
    await synced(laptop);
    await phone.getByRole("button", { name: "Sync now" }).click();
    await phone.locator(".list-select", { hasText: "Temporary" }).waitFor({ state: "detached" });
    expect(await phone.locator(".task-title", { hasText: "Short-lived" }).count()).to.equal(0);
  });

  it("clears a due date and notes cleared on another device, and the next edit here does not bring them back", async () => {
    const laptop = await harness.openDevice();
    await addList(laptop, "Errands");
    await addTasks(laptop, "Post the letter");
    await synced(laptop);
    const list = (await harness.listNamed("Errands"))!;
    const [task] = await harness.tasks(list.id);
    await harness.api("PATCH", `/lists/${list.id}/tasks/${task.id}`, { due: "2031-01-15T00:00:00.000Z", notes: "stamps in the drawer" });
    await laptop.getByRole("button", { name: "Sync now" }).click();
    await laptop.locator(".task-due").waitFor();

    // Cleared on the phone: the server's task now has no due and no notes (Google leaves empty fields out).
    const cleared = await harness.api("PATCH", `/lists/${list.id}/tasks/${task.id}`, { due: null, notes: null });
    expect(cleared).to.not.have.any.keys("due", "notes");
    await laptop.getByRole("button", { name: "Sync now" }).click();
    await laptop.locator(".task-due").waitFor({ state: "detached" });

    await laptop.getByRole("button", { name: "Edit Post the letter" }).click();
    expect(await laptop.getByLabel("Notes").inputValue()).to.equal("");
    await laptop.getByLabel("Title", { exact: true }).fill("Post the letters");
    await laptop.getByLabel("Title", { exact: true }).press("Enter");
    await synced(laptop);
    const [after] = await harness.tasks(list.id);
    expect(after.title).to.equal("Post the letters");
    expect(after, "the server's task").to.not.have.any.keys("due", "notes");
  });
});
