import type { Atmos } from "atmos2";
import type { List } from "./list-model";
import { Task } from "./task-model";

/**
 * "Clear completed" through Google's custom endpoint `POST /lists/:id/clear`
 * (it hides completed tasks rather than deleting them), called with
 * `rc.execute` so it shares base, headers and token refresh with sync.
 * Resolves with a message for the user when it could not be done.
 */
export async function clearCompleted(atmos: Atmos, list: List): Promise<string | undefined> {
  if (!Task.ofList(list.id).some((t) => t.isDone)) return undefined;
  if (list.syncState() !== "synced" || !atmos.status().online) {
    return "Clearing completed tasks needs a connection to the server. Try again when you're back online.";
  }
  try {
    // Completions not sent yet must reach the server, or it would not clear them.
    await atmos.push();
    await atmos.resourceClient.execute({ method: "POST", path: `/lists/${encodeURIComponent(list.id)}/clear` });
    // The server marked them hidden; a pull including hidden tasks brings that here.
    await Task.sync({ remote: true, pathParams: { taskListID: list.id }, params: { showHidden: true } });
    return undefined;
  } catch (error) {
    return `Could not clear completed tasks: ${(error as Error)?.message ?? error}`;
  }
}
