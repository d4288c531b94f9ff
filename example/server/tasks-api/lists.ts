import { invalid, notFound } from "./api-error";
import { emptyResponse, jsonResponse, type ApiResponse } from "./http-io";
import { newId } from "./ids";
import { readObject, stringField } from "./input";
import { cutPage, readPage } from "./pagination";
import { checkIfMatch, collectionEtag, type RequestContext } from "./request-context";
import { listResource, type ListRow } from "./resources";
import { deleteTasksOfList } from "./task-tree";

/** Task-list endpoints: `/users/@me/lists[/:list]`. */

const TITLE_MAX = 1024;
/** Google's page size default and cap for task lists. */
const PAGE_DEFAULT = 1000;
const PAGE_MAX = 1000;

/** A task list that exists and is not deleted, else 404. */
export function requireList(ctx: RequestContext, id: string): ListRow {
  // Another account's list is "not found" too: a 403 would tell that the id exists.
  const row = ctx.db.prepare("SELECT * FROM lists WHERE id = ? AND owner = ? AND deleted = 0").get(id, ctx.user) as ListRow | undefined;
  if (!row) throw notFound("Task list", id);
  return row;
}

/** Google's name for the account's default list in any `:list` of a path. */
export const DEFAULT_LIST = "@default";

/**
 * The id of the account's default list: its first list, as Google's
 * default is the list every account starts with; an account with none gets
 * one, "My Tasks", as Google's accounts have it.
 */
export function defaultListId(ctx: RequestContext): string {
  const first = ctx.db.prepare("SELECT id FROM lists WHERE owner = ? AND deleted = 0 ORDER BY seq LIMIT 1").get(ctx.user) as { id: string } | undefined;
  if (first) return first.id;
  const id = addList(ctx, "My Tasks");
  written(ctx, id, "created", 200);
  return id;
}

export function listLists(ctx: RequestContext): ApiResponse {
  const seqOf = (id: string) => (ctx.db.prepare("SELECT seq FROM lists WHERE id = ? AND owner = ?").get(id, ctx.user) as { seq: number } | undefined)?.seq;
  const page = readPage(ctx.query, PAGE_DEFAULT, PAGE_MAX, seqOf);
  const rows = ctx.db
    .prepare("SELECT * FROM lists WHERE owner = ? AND deleted = 0 AND seq > ? ORDER BY seq LIMIT ?")
    .all(ctx.user, page.afterSeq, page.limit) as ListRow[];
  const cut = cutPage(rows, page);
  const envelope: Record<string, unknown> = { kind: "tasks#taskLists", etag: collectionEtag(ctx.db, ctx.user) };
  if (cut.nextPageToken) envelope.nextPageToken = cut.nextPageToken;
  if (cut.rows.length > 0) envelope.items = cut.rows.map((row) => listResource(row, ctx.baseUrl));
  return jsonResponse(200, envelope);
}

export function getList(ctx: RequestContext): ApiResponse {
  return listAnswer(ctx, requireList(ctx, ctx.params.list), 200);
}

export function insertList(ctx: RequestContext): ApiResponse {
  return written(ctx, addList(ctx, requiredTitle(readObject(ctx.body))), "created", 200);
}

/** A new list of the account, stamped; its id. */
function addList(ctx: RequestContext, title: string): string {
  const { rev, updated } = ctx.stamp();
  const id = newId();
  ctx.db.prepare("INSERT INTO lists (id, owner, title, updated, rev) VALUES (?, ?, ?, ?, ?)").run(id, ctx.user, title, updated, rev);
  return id;
}

/** PUT: the body replaces the list's writable fields, so `title` is required. */
export function updateList(ctx: RequestContext): ApiResponse {
  const row = requireList(ctx, ctx.params.list);
  checkIfMatch(ctx, row.rev);
  return saveTitle(ctx, row, requiredTitle(readObject(ctx.body)));
}

/** PATCH: only the fields sent change. */
export function patchList(ctx: RequestContext): ApiResponse {
  const row = requireList(ctx, ctx.params.list);
  checkIfMatch(ctx, row.rev);
  const body = readObject(ctx.body);
  const title = body.title === undefined ? row.title : requiredTitle(body);
  return saveTitle(ctx, row, title);
}

/**
 * DELETE: the list and its tasks become tombstones (the tasks are reported
 * deleted). Deleting an already deleted list answers 204 again, so a client
 * retrying after a lost answer does not see a failure.
 */
export function deleteList(ctx: RequestContext): ApiResponse {
  const row = ctx.db.prepare("SELECT * FROM lists WHERE id = ? AND owner = ?").get(ctx.params.list, ctx.user) as ListRow | undefined;
  if (!row) throw notFound("Task list", ctx.params.list);
  if (row.deleted) return emptyResponse(204);
  checkIfMatch(ctx, row.rev);
  const { rev, updated } = ctx.stamp();
  ctx.db.prepare("UPDATE lists SET deleted = 1, rev = ?, updated = ? WHERE id = ?").run(rev, updated, row.id);
  deleteTasksOfList(ctx, row.id);
  const gone = { ...row, rev, updated, deleted: 1 };
  ctx.changes.push({ type: "deleted", collection: "lists", id: row.id, attrs: { ...listResource(gone, ctx.baseUrl) } });
  return emptyResponse(204);
}

function saveTitle(ctx: RequestContext, row: ListRow, title: string): ApiResponse {
  const { rev, updated } = ctx.stamp();
  ctx.db.prepare("UPDATE lists SET title = ?, rev = ?, updated = ? WHERE id = ?").run(title, rev, updated, row.id);
  return written(ctx, row.id, "updated", 200);
}

function requiredTitle(body: Record<string, unknown>): string {
  const title = stringField(body, "title", TITLE_MAX);
  if (title === undefined || title === null || title.trim() === "") {
    throw invalid('Field "title" is required: give the task list a non-empty title.', "title");
  }
  return title;
}

function written(ctx: RequestContext, id: string, type: "created" | "updated", status: number): ApiResponse {
  const row = ctx.db.prepare("SELECT * FROM lists WHERE id = ?").get(id) as ListRow;
  const resource = listResource(row, ctx.baseUrl);
  ctx.changes.push({ type, collection: "lists", id, attrs: { ...resource } });
  return listAnswer(ctx, row, status);
}

function listAnswer(ctx: RequestContext, row: ListRow, status: number): ApiResponse {
  const resource = listResource(row, ctx.baseUrl);
  return jsonResponse(status, resource, { ETag: resource.etag });
}
