import { etagOf, hasOwn, noteDeletedThere, type Attrs, type RecordEntry } from "../store/record-entry";
import type { ResolvedRoute } from "./routes";
import { changedFields, echoOfSent, mergeNewerVersion } from "./merge";
import { createAttempts, createsOut, mayBeCopy } from "./lost-creates";
import { resendMerged } from "./resend-merged";
import { defaultItems } from "./resource-client";
import { SyncError } from "./sync-error";
import type { SyncHost } from "./sync-host";
import { checkedItem, listUnderAnotherName, nextLink, originOf } from "./pulled-page";

export interface PullOptions {
  pathParams?: Record<string, unknown> | undefined;
  params?: Record<string, unknown> | undefined;
  /** Delete local records the server did not return (acknowledged, clean ones only). */
  remove?: boolean | undefined;
  /** Limits `remove` to records matching these attributes or this predicate. */
  removeScope?: Record<string, unknown> | ((record: unknown) => boolean) | undefined;
  /** "auto": ask only for changes since the last complete pull. */
  since?: "auto" | string | undefined;
}

export interface PullResult {
  /** Attributes of the records the server returned, as stored locally now. */
  records: Attrs[];
  /** Attributes of every record that changed locally (for one refresh event). */
  changed: Attrs[];
  conflicts: Array<{ local: Attrs; remote: Attrs; merged: Attrs; base?: Attrs }>;
}

/** Pages one pull follows at most: a server that never stops sending next pages fails the pull. */
const maxPages = 10000;

/**
 * Fetches a model's index (every page), checks every item, then merges them
 * into the local records in one step. Nothing is stored when any page fails
 * or any item lacks its id; the incremental high-water mark is stored only
 * after everything has been applied, so a pull never leaves a gap.
 * (The page loop and its refusals, then the merge of the whole pull; what
 * one page holds is read in pulled-page.ts, one record from elsewhere is
 * applied in apply-remote.ts.)
 */
export class Puller {
  constructor(private readonly host: SyncHost) {}

  async pull(className: string, route: ResolvedRoute, options: PullOptions): Promise<PullResult> {
    const { rc, meta } = this.host;
    const modelOptions = this.host.options(className);
    const { incremental } = modelOptions;
    await meta.ready;
    const params: Record<string, unknown> = { ...options.params };
    const hwKey = meta.highWaterKey(className, route.path);
    const since = options.since === "auto" ? await meta.store.get<string>(hwKey) : options.since;
    if (since) Object.assign(params, incremental.params, { [incremental.param]: since });
    // An incremental pull returns only what changed: a record it leaves out
    // is not gone (deletions come as tombstones), so `remove` waits for a
    // complete one.
    if (since) options = { ...options, remove: false };
    // A create whose answer was lost may be in these pages under its server
    // id, with nothing in it to say so: sent again first, its answer tells
    // (a pull that gets through says the server is reachable again).
    await this.host.retryLostCreates(className);
    // Answers applied from here on are newer than what this pull reads.
    const mark = meta.answers.beginRead();
    try {
      const items: Attrs[] = [];
      let path = route.path;
      let pageParams: Record<string, unknown> | undefined = params;
      const seenTokens = new Set<string>();
      const numericIds = new Set<string>();
      const places = new Map<string, number>();
      // The newest change on the first page that held any: see `highWater`.
      let newest: string | undefined;
      for (let page = 1; ; page++) {
        const response = await rc.request({ method: route.method, path, params: pageParams, model: className });
        const pageUrl = rc.urlFor(path, pageParams);
        // A 200 with no body at all is no page (a proxy, a cut answer): read as empty, `remove: true` would drop every synced record.
        if (response.empty && response.status !== 204) {
          throw new SyncError(`${className} ${route.method} ${pageUrl} answered ${response.status} with an empty body, not a page of records; check the server or resourceClient.base and the routes (a 204, or [], is an empty page)`, { status: response.status, body: null, type: "parse" });
        }
        // Nothing in it is an empty page: Google leaves `items` out of one.
        const list = rc.itemsFromResult(response.body) ?? [];
        if (!Array.isArray(list) && typeof response.body == "string") {
          // Text that is not JSON, and an itemsFromResult that does not read text (the default does not).
          const shown = JSON.stringify(response.body.slice(0, 80));
          throw new SyncError(`${className} ${route.method} ${pageUrl} answered ${response.status} with text, not JSON: ${shown}; check resourceClient.base and the routes`, { status: response.status, body: response.body, type: "parse" });
        }
        const elsewhere = rc.itemsFromResult === defaultItems ? listUnderAnotherName(response.body) : undefined;
        if (elsewhere) {
          const read = /^[A-Za-z_$][\w$]*$/.test(elsewhere) ? `result.${elsewhere}` : `result[${JSON.stringify(elsewhere)}]`;
          throw new SyncError(`${className} ${route.method} ${pageUrl} answered an object with no "items"; its list looks to be in "${elsewhere}": set resourceClient.itemsFromResult = (result) => ${read}`, { status: response.status, body: response.body, type: "invalid" });
        }
        if (!Array.isArray(list)) {
          throw new SyncError(`${className}: itemsFromResult returned ${typeof list}, not an array; check resourceClient.itemsFromResult`, { status: response.status, body: response.body, type: "invalid" });
        }
        const before = items.length;
        for (const [index, item] of list.entries()) {
          const attrs = checkedItem(modelOptions, list, index, rc.IDField, response.status, response.body);
          if (typeof (item as Attrs)[rc.IDField] === "number") numericIds.add(attrs.id as string);
          // A record listed twice (a page boundary that moved, a join) is one record: the last copy, in the first place.
          const at = places.get(attrs.id as string);
          if (at === undefined) places.set(attrs.id as string, items.push(attrs) - 1);
          else items[at] = attrs;
        }
        if (newest === undefined && items.length > before) newest = highWater(items, incremental.field);
        const given = (response.body as { nextPageToken?: unknown } | null)?.nextPageToken;
        const token = typeof given === "string" && given ? given : undefined;
        const link = nextLink(response.headers.get("link"), pageUrl);
        // A next page already read: a server that ignores the token (or a
        // link that points back) goes round in a loop, and what was read is
        // not the whole list (taken as complete, `remove: true` would drop
        // the rest).
        const again = token ? seenTokens.has(token) && `nextPageToken ${JSON.stringify(token)}` : link && seenTokens.has(link) && `the Link rel="next" ${link}`;
        if (again) {
          throw new SyncError(`${className}: the server's next page leads back to a page this pull already read (${again} came twice), so its pages go round in a loop; nothing from this pull was stored. Check that the server reads ${token ? "pageToken" : "its own next link's query"}`, { status: response.status, body: response.body, type: "invalid" });
        }
        if (token) {
          seenTokens.add(token);
          pageParams = { ...params, pageToken: token };
        } else if (link) {
          // The app's headers (a token) go to every page: only to the origin the pull asked.
          if (originOf(link) !== originOf(pageUrl)) {
            throw new SyncError(`${className}: the server's Link header points the next page to another origin (${link}); nothing from this pull was stored`, { status: response.status, body: response.body, type: "invalid" });
          }
          seenTokens.add(link);
          path = link;
          // The link carries the server's own query (a page, a cursor); the
          // sync's params go along, each once.
          pageParams = {};
          const carried = (link.split("?")[1] ?? "").split("&").map((pair) => pair.split(/=|\[|%5B/i)[0]);
          for (const name in params) if (!carried.includes(encodeURIComponent(name))) pageParams[name] = params[name];
        } else break;
        if (page === maxPages) {
          throw new SyncError(`${className}: the server kept sending next pages (${maxPages} of them); nothing from this pull was stored`, { status: response.status, body: response.body, type: "invalid" });
        }
      }
      // A create in flight may be in these pages already, under its server
      // id: its answer, applied first, tells which item it is (see applyPulled).
      // (At once when none is in flight.) One sent from now on cannot be.
      const attempts = createAttempts(meta.queued(), className);
      // One that went unanswered meanwhile (a timeout, a dropped answer) is sent again first too, once.
      if (await this.host.createsAnswered(className)) await this.host.retryLostCreates(className);
      // Closed meanwhile: the models may be another Atmos's now, which would not know these records.
      if (rc.closed) throw rc.closed();
      const result = applyPulled(this.host, className, route, items, options, numericIds, { mark, attempts });
      // Storage full: the pulled records wait in memory and are written when
      // space frees (the write queue reports the quota error once); the pull
      // itself succeeded. The high-water mark waits until they are written.
      await meta.flush().catch(() => undefined);
      if (options.since === "auto" && meta.clean && newest) await meta.store.put(hwKey, newest).catch(() => undefined);
      return result;
    } finally {
      meta.answers.endRead();
    }
  }
}

/** Merges the checked items of a complete pull into the local records, in one step. */
function applyPulled(host: SyncHost, className: string, route: ResolvedRoute, items: Attrs[], options: PullOptions, numericIds: Set<string>, read: { mark: number; attempts: Map<string, number> }): PullResult {
  const { mark, attempts } = read;
  const { meta } = host;
  const { attributes } = host.options(className);
  // Path parameters that name attributes (":taskListID") are set on pulled records lacking them.
  const pathParams = options.pathParams ?? {};
  const fill = route.params.filter((name) => name !== "id" && attributes.includes(name) && pathParams[name] !== undefined);
  const result: PullResult = { records: [], changed: [], conflicts: [] };
  const returned = new Set<string>();
  // Records unknown here that could be the copy of a create whose answer was lost wait for a later pull (lost-creates.ts).
  const out = createsOut(meta.queued(), className, attempts);
  const copies = new Set<RecordEntry>();
  for (const remote of items) {
    // Items are this pull's own copies (checkedItem): fill them in place, as
    // a spread per record costs more than the rest of this loop together.
    for (const name of fill) if (!hasOwn.call(remote, name)) remote[name] = pathParams[name];
    const id = String(remote.id);
    if (options.remove) returned.add(id);
    const entry = meta.get(className, id);
    // Deleted or answered since this pull was sent: its version is older (a stale read
    // would bring a destroyed record back, or an older title over the acknowledged one).
    if (meta.answers.changedSince(className, id, mark)) {
      // Still one the server returned (a create answered meanwhile): resolved with as it is here.
      if (entry && !entry.deleted) result.records.push(entry.attrs);
      continue;
    }
    if (remote.deleted === true) {
      if (entry && entry.queue.length === 0) forget(host, entry);
      // Edited here: the edit stays, and a revert removes it, as the server has it.
      else if (entry && !entry.deleted) noteDeletedThere(meta, entry, true);
      continue;
    }
    if (entry?.deleted) continue; // deletes stay deleted while queued
    // The server has it (again): not deleted there, whatever live news said.
    if (entry) noteDeletedThere(meta, entry, false);
    if (!entry && out.length) {
      const local = out.find((create) => mayBeCopy(create, remote));
      if (local) {
        // Resolved with as the page shows it (its create's answer brings the server id).
        if (!copies.has(local)) result.records.push(local.attrs);
        copies.add(local);
        continue;
      }
    }
    if (!entry) {
      const created: RecordEntry = { className, id, attrs: remote, acked: true, queue: [], etag: etagOf(remote) };
      if (numericIds.has(id)) created.numericId = true;
      meta.put(created);
      result.changed.push(remote);
    } else if (entry.queue.length > 0 || entry.failed) {
      mergeIntoEdit(host, entry, remote, result);
    } else {
      const merged = { ...entry.attrs, ...remote };
      entry.acked = true;
      entry.etag = etagOf(remote) ?? entry.etag;
      // Unchanged, the attributes stay the same object: a pull applied just
      // before this one (two at once) shows its version only while storage
      // still holds that object (Atmos.sync).
      if (changedFields(entry.attrs, merged).length > 0) {
        entry.attrs = merged;
        meta.touch(entry);
        result.changed.push(merged);
      }
    }
    result.records.push(entry ? entry.attrs : remote);
  }
  if (options.remove) {
    for (const entry of meta.all(className)) {
      if (returned.has(entry.id) || !entry.acked || entry.deleted) continue;
      // Acknowledged since this pull was sent: created after the server read the page.
      if (meta.answers.changedSince(className, entry.id, mark)) continue;
      if (!inScope(host, entry, options.removeScope)) continue;
      // Edited here: the edit stays, and a revert removes it, as the server has it no more.
      if (entry.queue.length || entry.failed) noteDeletedThere(meta, entry, true);
      else forget(host, entry);
    }
  }
  return result;
}

/** A pulled version of a record the user is editing: never overwrite the edit. */
function mergeIntoEdit(host: SyncHost, entry: RecordEntry, remote: Attrs, result: PullResult): void {
  // This page's own update, read before its answer came: the answer brings it.
  if (echoOfSent(entry, remote)) return;
  const edit = mergeNewerVersion(host.options(entry.className).resolveConflict, entry, remote, true);
  if (!edit) return;
  const { local, merged, base } = edit;
  resendMerged(entry, local, merged, host.meta.nextSeq());
  entry.base = { ...remote };
  entry.etag = etagOf(remote);
  entry.acked = true;
  entry.attrs = merged;
  host.meta.touch(entry);
  result.changed.push(merged);
  result.conflicts.push({ local, remote, merged, base });
}

/** A record the server no longer has: gone from storage and the UI. */
function forget(host: SyncHost, entry: RecordEntry): void {
  host.meta.remove(entry.className, entry.id);
  host.hide(entry.className, entry.id);
}

function inScope(host: SyncHost, entry: RecordEntry, scope: PullOptions["removeScope"]): boolean {
  if (!scope) return true;
  if (typeof scope === "function") return !!scope(host.record(entry.className, entry.id) ?? entry.attrs);
  return Object.entries(scope).every(([k, v]) => String(entry.attrs[k]) === String(v));
}

/**
 * The mark the next incremental pull asks from: the newest change on the
 * first page that held any. Pages are no snapshot (Google's are not): a
 * record on a page already read may change while a later page is read, and
 * every such change is newer than that first page. The newest change read
 * anywhere (a record changed on a later page meanwhile) was past it, and the
 * next pulls never fetched the change to the page already read. Asking from
 * the first page's newest reads some records again, which is harmless.
 */
function highWater(items: Attrs[], field: string): string | undefined {
  let max: string | undefined;
  for (const item of items) {
    const value = item[field];
    if (typeof value === "string" && (max === undefined || Date.parse(value) > Date.parse(max))) max = value;
  }
  return max;
}
