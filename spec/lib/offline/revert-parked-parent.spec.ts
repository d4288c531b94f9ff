import { expect } from "chai";
import { tasksClient } from "../../servers/tasks-client";
import { List, Task } from "../models";
import { tasksApiPage } from "./offline-page";

/** `promise`, or a rejection saying what did not settle within 5 s (instead of a hang until mocha's timeout). */
const within5s = <T>(promise: Promise<T>, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within 5 s`)), 5000).unref())]);

/**
 * A list the server refused (its create is parked) with a task of it waiting
 * for the list's server id, and the app reverts the list: the server never
 * had it, so it is removed. The task can never be sent as it is.
 */
describe("offline: reverting a parked parent the server never had parks what waited for it", () => {
  const fixture = tasksApiPage();

  /** A list refused for its empty title, a task saved remotely in it, then `revert(list)`. */
  async function revertRefusedList(): Promise<{ list: List; task: Task }> {
    const list = new List({ title: "" });
    list.save({ remote: true });
    const task = new Task({ title: "buy milk", taskListID: list.id });
    task.save({ remote: true });
    await within5s(fixture.page.atmos.whenSynced(), "whenSynced() before the revert");
    expect([(list as any).syncState(), (task as any).syncState()]).to.deep.equal(["failed", "pending"]);
    await fixture.page.atmos.revert(list as any);
    return { list, task };
  }

  it("lets whenSynced() resolve: the task is parked, keeping what the user typed", async () => {
    const { list, task } = await revertRefusedList();
    await within5s(fixture.page.atmos.whenSynced(), "whenSynced() after the revert");
    expect(List.exists(list.id)).to.equal(false);
    const kept = Task.find(task.id) as Task;
    expect(kept.title).to.equal("buy milk");
    expect((kept as any).syncState()).to.equal("failed");
    expect(fixture.page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 1, online: true });
    expect(fixture.server.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /tasks/v1/users/@me/lists"]);
  });

  it("says in the outbox that the task's list was reverted, naming the field and the list", async () => {
    const { list, task } = await revertRefusedList();
    const [row] = fixture.page.atmos.outbox();
    expect(row).to.include({ model: "Task", id: task.id, state: "parked", action: "create" });
    expect(row.lastError?.message).to.contain("taskListID").and.contain(`List ${list.id}`).and.contain("reverted");
  });

  it("sends the task once the app moves it to a list the server has", async () => {
    const { task } = await revertRefusedList();
    const inbox = await tasksClient(fixture.server).createList("Inbox");
    await List.sync({ remote: true });
    const moved = Task.find(task.id) as Task;
    moved.taskListID = inbox.id;
    moved.save({ remote: true });
    await within5s(fixture.page.atmos.whenSynced(), "whenSynced() after the move");
    const onServer = await tasksClient(fixture.server).all(`/lists/${inbox.id}/tasks`);
    expect(onServer.map((t: { title: string }) => t.title)).to.deep.equal(["buy milk"]);
    expect((Task.first() as any).syncState()).to.equal("synced");
  });

  it("removes the task too when the app reverts it", async () => {
    const { task } = await revertRefusedList();
    await fixture.page.atmos.revert(Task.find(task.id) as any);
    expect(Task.exists(task.id)).to.equal(false);
    expect(fixture.page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });
});
