import { expect } from "chai";
import type { Fault } from "../../servers/fault-proxy";
import { models } from "../models";
import type { LivePage } from "./live-page";

/**
 * The stage of the stories about the server's copy of a create whose answer
 * was lost: "Milk" is created, its POST commits and loses its answer; another
 * device renames the task "Oat milk"; the page pulls. The pull sends the
 * create again first (only its answer can tell the copy is the same task),
 * and that retry finds the server busy (503), so the pull shows the copy
 * next to the local task. Later requests get `later`'s faults. Resolves
 * with the copy's (server) id.
 */
export async function copyShownAfterALostAnswer(stage: LivePage, later: (req: { method: string }) => Fault | undefined): Promise<string> {
  const { proxy, page, client, listId } = stage;
  let posts = 0;
  proxy.setSchedule((req) => {
    if (req.method !== "POST") return later(req);
    posts++;
    return posts === 1 ? "drop-response" : posts === 2 ? { status: 503, body: { error: "busy" } } : later(req);
  });
  const failed = new Promise<void>((resolve) => page.atmos.on("error", () => resolve()));
  new models.Task({ title: "Milk", notes: "", status: "needsAction", taskListID: listId }).save({ remote: true });
  await failed;
  const [onServer] = await client.all(`/lists/${listId}/tasks`);
  expect(onServer.title).to.equal("Milk");
  const renamed = await client.call("PUT", `/lists/${listId}/tasks/${onServer.id}`, { ...onServer, title: "Oat milk" });
  expect(renamed.status).to.equal(200);
  await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  expect(posts, "POSTs: the lost one and the pull's retry").to.equal(2);
  expect(models.Task.all().map((t: any) => t.title), "the copy is shown next to the local task").to.have.members(["Milk", "Oat milk"]);
  return onServer.id as string;
}
