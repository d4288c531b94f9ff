import Spine from "spine";
import { Atmos, type AtmosEvents, type AtmosOptions } from "../../../lib";

/**
 * Models and set-up shared by the offline browser specs. Class names are
 * their own ("OfflineList", "OfflineTask"): extended models are registered by
 * class name for every Atmos in the page, so they must not clash with the
 * models of other browser spec files.
 */
export class OfflineList extends Spine.Model {
  declare title: string;
}
OfflineList.configure("OfflineList", "title", "etag", "updated");
OfflineList.extend((Spine.Model as any).Atmosphere);

export class OfflineTask extends Spine.Model {
  declare title: string;
  declare notes: string;
  declare taskListID: string;
}
OfflineTask.configure("OfflineTask", "title", "notes", "taskListID", "etag", "updated", "position", "status");
OfflineTask.extend((Spine.Model as any).Atmosphere);
(OfflineTask as any).remoteKeys = { taskListID: "OfflineList" };

export const token = "browser-token";
export const apiBase = `${location.origin}/tasks/v1`;

/** An Atmos talking to the bundled API mounted on karma's origin. */
export function openAtmos(options: AtmosOptions = {}): Atmos {
  const atmos = new Atmos(options);
  const rc = atmos.resourceClient;
  rc.base = apiBase;
  rc.routes = {
    OfflineList: { index: "GET /users/@me/lists", create: "POST /users/@me/lists", update: "PUT /users/@me/lists/:id", delete: "DELETE /users/@me/lists/:id" },
    OfflineTask: {
      index: "GET /lists/:taskListID/tasks",
      create: "POST /lists/:taskListID/tasks",
      update: "PUT /lists/:taskListID/tasks/:id",
      delete: "DELETE /lists/:taskListID/tasks/:id",
    },
  };
  rc.addHeader("Authorization", `Bearer ${token}`);
  return atmos;
}

/** A call to the API as another client would make it. */
export async function api(method: string, path: string, body?: unknown): Promise<any> {
  const answer = await fetch(`${apiBase}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export { until } from "../../support/until";

/** The next emission of an event on `atmos`. */
export function nextEvent(atmos: Atmos, name: keyof AtmosEvents): Promise<any> {
  return new Promise((resolve) => {
    const off = atmos.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}
