import { expect } from "chai";
import { Task } from "../models";
import { conditionalPutPage } from "./conditional-put-page";

/**
 * This page edits a task's notes, and its update (If-Match) fails with a
 * 500: it may have been made, so it is kept to go again as it went. Meanwhile
 * another device changed the task, so the update's retry is refused as based
 * on an old version (412, which proves it was never made), and the page
 * merges its edit with the server's version. What goes next must be that
 * merge: the request kept from the first attempt, sent with the new version's
 * etag, puts back the page's old values over the other device's change.
 * (Two-device chaos seed 7014, --steps 120, after c6b160f: A's title B7:a15
 * was overwritten by B's kept B7:b0, and a task A destroyed came back with B's
 * kept "deleted": false.)
 */
describe("offline: an update retried after a 500 and refused as stale", () => {
  const stage = conditionalPutPage();

  it("keeps the other device's rename", async () => {
    const { page, client, listId, milk, serverTask, editFailingWith500 } = stage;
    await editFailingWith500();
    expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);

    await page.atmos.push();
    await page.atmos.whenSynced();

    const server = await serverTask();
    expect([server.title, server.notes], "the server's task").to.deep.equal(["oat milk", "2 litres"]);
    const shown = Task.find(milk.id) as Task;
    expect([shown.title, (shown as any).notes], "the page's task").to.deep.equal(["oat milk", "2 litres"]);
  });

  it("does not bring back the task the other device deleted", async () => {
    const { page, proxy, client, listId, milk, putFaults, serverTask } = stage;
    // A first update's answer comes while the second edit waits behind it: the
    // record then carries the server's own fields ("deleted": false among
    // them), and the second update's request, kept as it first went, too.
    let letGo = () => {};
    putFaults.push({ answerAfter: new Promise<void>((resolve) => (letGo = resolve)) });
    const firstOut = new Promise<void>((resolve) => proxy.setSchedule((req) => (req.method === "PUT" ? (resolve(), putFaults.shift()) : undefined)));
    (Task.find(milk.id) as Task).updateAttributes({ notes: "1 litre, cold" }, { remote: true });
    await firstOut;
    (Task.find(milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    putFaults.push({ status: 500, body: { error: { code: 500, message: "try again" } } });
    const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
    letGo();
    await failed;
    expect((await client.call("DELETE", `/lists/${listId}/tasks/${milk.id}`)).status).to.equal(204);

    await page.atmos.push();
    await page.atmos.whenSynced();

    expect((await serverTask()).deleted, "still deleted on the server").to.equal(true);
    expect(await client.all(`/lists/${listId}/tasks`)).to.deep.equal([]);
  });
});
