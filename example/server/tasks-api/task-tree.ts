import { invalid } from "./api-error";
import { positionBetween, spreadBetween } from "./positions";
import type { RequestContext } from "./request-context";
import type { TaskRow } from "./resources";
import { writeTask, type TaskColumns } from "./task-writes";

/**
 * The shape of a list: which task is under which parent, in what order.
 * Order among siblings is the `position` string; deleted tasks hold no place.
 */

/**
 * The position for a task placed under `parent`, right after `previous`
 * (first when `previous` is missing). `moving` is the task being moved, left
 * out of its old siblings. When the neighbours leave no room, the siblings
 * near the spot are renumbered (each one stamped and reported, since its
 * position changed).
 */
export function placeTask(ctx: RequestContext, listId: string, parent: string | null, previous: string | undefined, moving?: string): string {
  // The neighbours of the spot alone, as a rule: reading every sibling made
  // each insert cost the list's length (10,000 tasks added one by one took 70 s).
  const siblingsOf = "FROM tasks WHERE list_id = ? AND parent IS ? AND deleted = 0 AND id IS NOT ?";
  const key = [listId, parent, moving ?? null];
  const before = previous === undefined ? undefined : (ctx.db.prepare(`SELECT position, seq ${siblingsOf} AND id = ?`).get(...key, previous) as { position: string; seq: number } | undefined);
  if (previous === undefined || before) {
    const after = (
      before
        ? ctx.db.prepare(`SELECT position ${siblingsOf} AND (position > ? OR (position = ? AND seq > ?)) ORDER BY position, seq LIMIT 1`).get(...key, before.position, before.position, before.seq)
        : ctx.db.prepare(`SELECT position ${siblingsOf} ORDER BY position, seq LIMIT 1`).get(...key)
    ) as { position: string } | undefined;
    const between = positionBetween(before?.position, after?.position);
    if (between !== undefined) return between;
  }
  // No room there (or no such previous sibling, said below): every sibling is read.
  const siblings = ctx.db
    .prepare("SELECT id, position FROM tasks WHERE list_id = ? AND parent IS ? AND deleted = 0 AND id IS NOT ? ORDER BY position, seq")
    .all(listId, parent, moving ?? null) as Array<Pick<TaskRow, "id" | "position">>;
  let index = 0; // where the task goes among the siblings
  if (previous !== undefined) {
    const at = siblings.findIndex((s) => s.id === previous);
    if (at < 0) {
      throw invalid(`Invalid value for parameter "previous": task "${previous}" is not a sibling under ${parent ? `parent "${parent}"` : "the top level"} of this list.`, "previous");
    }
    index = at + 1;
  }
  const position = positionBetween(siblings[index - 1]?.position, siblings[index]?.position);
  if (position !== undefined) return position;
  // The siblings nearest the spot are renumbered, a stretch doubled until it
  // spans room enough (all of them at worst: the whole space has room for
  // any list): renumbering a whole list of thousands, in one transaction
  // with a live update each, stalled the server.
  for (let reach = 8; ; reach *= 2) {
    const lo = Math.max(0, index - reach);
    const hi = Math.min(siblings.length, index + reach);
    const spread = spreadBetween(hi - lo + 1, siblings[lo - 1]?.position, siblings[hi]?.position);
    if (!spread) continue;
    siblings.slice(lo, hi).forEach((sibling, i) => {
      const next = spread[lo + i < index ? i : i + 1];
      if (next !== sibling.position) writeTask(ctx, sibling.id, { position: next }, "updated");
    });
    return spread[index - lo];
  }
}

/** Ids of every task below `id` (children, grandchildren, …), tombstones excluded. */
export function descendantIds(ctx: RequestContext, listId: string, id: string): string[] {
  const rows = ctx.db
    .prepare(
      `WITH RECURSIVE below(id) AS (
         SELECT id FROM tasks WHERE list_id = @listId AND parent = @id AND deleted = 0
         UNION
         SELECT t.id FROM tasks t JOIN below b ON t.parent = b.id WHERE t.list_id = @listId AND t.deleted = 0
       ) SELECT id FROM below`,
    )
    .all({ listId, id }) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Refuses a parent that would put a task under itself. */
export function checkNotOwnDescendant(ctx: RequestContext, listId: string, id: string, parent: string): void {
  if (parent === id || descendantIds(ctx, listId, id).includes(parent)) {
    throw invalid(`Invalid value for parameter "parent": a task cannot be moved under itself or one of its subtasks.`, "parent");
  }
}

/**
 * Deletes a task with its subtasks (a subtask without its parent would be
 * orphaned). `also` are other columns written on the task in the same stamp.
 */
export function deleteTaskTree(ctx: RequestContext, listId: string, id: string, also: TaskColumns = {}): TaskRow {
  for (const below of descendantIds(ctx, listId, id)) writeTask(ctx, below, { deleted: 1 }, "deleted");
  return writeTask(ctx, id, { ...also, deleted: 1 }, "deleted");
}

/** Marks every live task of a list deleted (the list itself is being deleted). */
export function deleteTasksOfList(ctx: RequestContext, listId: string): void {
  const ids = ctx.db.prepare("SELECT id FROM tasks WHERE list_id = ? AND deleted = 0 ORDER BY seq").all(listId) as Array<{ id: string }>;
  for (const { id } of ids) writeTask(ctx, id, { deleted: 1 }, "deleted");
}
