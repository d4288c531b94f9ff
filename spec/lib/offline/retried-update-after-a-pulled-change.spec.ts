import { expect } from "chai";
import { models, Task } from "../models";
import { conditionalPutPage } from "./conditional-put-page";

/**
 * This page edits a task's notes, and its update (If-Match) fails with a
 * 500: it may have been made, so it is kept to go again as it went (same key,
 * same body). Meanwhile another device renames the task, and this page pulls
 * (or hears live news): the rename is merged in, and the record's etag is now
 * the renamed version's. The retry must not send the kept body (the old
 * title) with that new etag: the server takes it as based on the renamed
 * version and puts the old title back. The kept request goes with the
 * If-Match it first went with (refused 412 if it was not made, replayed by
 * its key if it was), or is rebuilt from the merge.
 * Here the retry's answer is lost too, and a pull reads the server's version
 * before the page tries again: the page then takes its own retry's old title
 * for the server's newer value.
 * (Two-device chaos seed 7605, --steps 120, at 55cb970: B's PUT {A1:a1, A1:b1}
 * answered 500, A renamed A1 to A1:a2, B merged the live news, and B's retry
 * went with the kept body and the new etag: the server ended with title A1:a1.)
 */
describe("offline: an update retried after a 500, the other device's change pulled meanwhile", () => {
  const stage = conditionalPutPage();

  it("keeps the other device's rename", async () => {
    const { page, client, listId, milk, putFaults, serverTask, editFailingWith500 } = stage;
    await editFailingWith500();
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    expect((Task.find(milk.id) as Task).title, "the rename is merged in").to.equal("oat milk");

    // The retry's answer is lost on the way back; the page pulls before it goes again.
    putFaults.push("drop-response");
    await page.atmos.push();
    await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
    await page.atmos.push();
    await page.atmos.whenSynced();

    const server = await serverTask();
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
  });
});
