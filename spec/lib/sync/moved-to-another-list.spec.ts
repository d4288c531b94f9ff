import { expect } from "chai";
import { tasksClient } from "../../servers/tasks-client";
import { List, Task } from "../models";
import { tasksApiPage } from "../offline/offline-page";

/**
 * Found by an outside review: a synced task whose list was changed here
 * (taskListID, a route parameter) was sent to the new list's address, where
 * the server does not have it. The 404 read as "deleted elsewhere?", and
 * atmos.revert(record), as the message advised, removed the task here while
 * the server still held it: the rename typed with the move was lost. An
 * update or delete goes to the address the server has the record at: its
 * route parameters are those of the last version the server sent.
 */
describe("a synced task moved here to another list (a route parameter changed)", () => {
  const fixture = tasksApiPage();

  async function taskInListA() {
    const { server: api, page } = fixture;
    const client = tasksClient(api);
    const a = await client.createList("A");
    const b = await client.createList("B");
    await client.createTask(a.id, { title: "t" });
    await List.sync({ remote: true });
    await Task.sync({ remote: true, pathParams: { taskListID: a.id } });
    const errors: string[] = [];
    page.atmos.on("error", (event) => errors.push(`${event.status} ${event.error.message}`));
    return { page, client, a, b, errors };
  }

  it("sends its rename to the list the server has it in, and nothing is refused", async () => {
    const { page, client, a, b, errors } = await taskInListA();
    Task.first()!.updateAttributes({ taskListID: b.id, title: "moved, renamed" }, { remote: true });
    await page.atmos.whenSynced();

    expect(errors).to.deep.equal([]);
    expect(((await client.all(`/lists/${a.id}/tasks`)) as { title: string }[]).map((t) => t.title)).to.deep.equal(["moved, renamed"]);
    // Google's API moves a task only by its own move request: the next pull shows where the server keeps it.
    await Task.sync({ remote: true, pathParams: { taskListID: a.id } });
    expect(Task.all().map((t) => [t.title, t.taskListID])).to.deep.equal([["moved, renamed", a.id]]);
  });

  it("deletes it from the list the server has it in, so no pull brings it back", async () => {
    const { page, client, a, b, errors } = await taskInListA();
    const task = Task.first()!;
    task.updateAttributes({ taskListID: b.id }, { remote: true });
    task.destroy({ remote: true });
    await page.atmos.whenSynced();

    expect(errors).to.deep.equal([]);
    expect(await client.all(`/lists/${a.id}/tasks`)).to.deep.equal([]);
    await Task.sync({ remote: true, pathParams: { taskListID: a.id } });
    expect(Task.all()).to.deep.equal([]);
  });
});
