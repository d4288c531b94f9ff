import { jsonResponse, type ApiResponse } from "./http-io";
import { queryBoolean, queryTime } from "./input";
import { requireList } from "./lists";
import { cutPage, readPage } from "./pagination";
import { collectionEtag, type RequestContext } from "./request-context";
import { taskResource, type TaskRow } from "./resources";

/**
 * GET /lists/:list/tasks with Google's filters. An incremental sync asks for
 * `updatedMin=<last seen updated>&showDeleted=true&showHidden=true` and gets
 * every task changed since, deletions included as `deleted: true`.
 * `updatedMin` is inclusive: a boundary task may come twice, never zero times.
 */

/** Google's page size default and cap for tasks. */
const PAGE_DEFAULT = 20;
const PAGE_MAX = 100;

export function listTasks(ctx: RequestContext): ApiResponse {
  const list = requireList(ctx, ctx.params.list);
  const q = ctx.query;
  const seqOf = (id: string) => (ctx.db.prepare("SELECT seq FROM tasks WHERE id = ? AND list_id = ?").get(id, list.id) as { seq: number } | undefined)?.seq;
  const page = readPage(q, PAGE_DEFAULT, PAGE_MAX, seqOf);
  const where = ["list_id = @listId", "seq > @afterSeq"];
  const args: Record<string, unknown> = { listId: list.id, afterSeq: page.afterSeq, limit: page.limit };

  if (!queryBoolean(q, "showDeleted", false)) where.push("deleted = 0");
  if (!queryBoolean(q, "showHidden", false)) where.push("hidden = 0");
  if (!queryBoolean(q, "showCompleted", true)) where.push("status <> 'completed'");
  const bounds: Array<[param: string, column: string, op: string]> = [
    ["updatedMin", "updated", ">="],
    ["completedMin", "completed", ">="],
    ["completedMax", "completed", "<="],
    ["dueMin", "due", ">="],
    ["dueMax", "due", "<="],
  ];
  for (const [param, column, op] of bounds) {
    const ms = queryTime(q, param);
    if (ms === undefined) continue;
    where.push(`${column} IS NOT NULL AND ${column} ${op} @${param}`);
    args[param] = ms;
  }

  const rows = ctx.db
    .prepare(`SELECT * FROM tasks WHERE ${where.join(" AND ")} ORDER BY seq LIMIT @limit`)
    .all(args) as TaskRow[];
  const cut = cutPage(rows, page);
  const envelope: Record<string, unknown> = { kind: "tasks#tasks", etag: collectionEtag(ctx.db, ctx.user) };
  if (cut.nextPageToken) envelope.nextPageToken = cut.nextPageToken;
  if (cut.rows.length > 0) envelope.items = cut.rows.map((row) => taskResource(row, ctx.baseUrl));
  return jsonResponse(200, envelope);
}
