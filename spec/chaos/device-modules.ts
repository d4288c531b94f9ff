import Spine from "spine";
import { Atmos } from "../../lib";
import "../../lib/live";

/**
 * What one device of the two-device chaos runs: atmos2 (with live), Spine
 * and the app's two models. `device-realm.ts` loads this file afresh for each
 * device, so each has its own Spine, its own models and its own
 * `Atmos.instance`, as two browsers have; nothing here is shared.
 */
export class List extends Spine.Model {
  declare title: string;
}
List.configure("List", "title", "etag", "updated");
List.extend(Spine.Model.Atmosphere as object);

export class Task extends Spine.Model {
  declare title: string;
  declare notes: string | undefined;
  declare taskListID: string;
  declare etag: string;

  /** As the example app does: a live body has no list id, its selfLink names it. */
  static fromRemote(attrs: Record<string, unknown>): Record<string, unknown> {
    const match = /\/lists\/([^/]+)\/tasks\//.exec(String(attrs.selfLink ?? ""));
    return attrs.taskListID || !match ? attrs : { ...attrs, taskListID: decodeURIComponent(match[1]) };
  }
}
Task.configure("Task", "title", "notes", "status", "due", "taskListID", "etag", "updated", "position");
Task.extend(Spine.Model.Atmosphere as object);
(Task as any).remoteKeys = { taskListID: "List" };

export { Atmos };

/** Spine's memory emptied, as on a fresh page load (storage keeps everything). */
export function forgetInMemory(): void {
  for (const model of [List, Task] as any[]) {
    model.records = [];
    model.irecords = {};
  }
}
