import type { ConflictEvent } from "../atmos-options";
import type { SpineModel } from "../app-context";
import { remoteShaped } from "../sync/remote-shape";
import { etagOf, localAttrs, noteDeletedThere, type Attrs, type RecordEntry } from "../store/record-entry";
import { changedFields, echoOfSent, mergeNewerVersion, olderVersion } from "../sync/merge";
import { createAttempts, createsOut, mayBeCopy } from "../sync/lost-creates";
import { collectionName } from "../sync/naming";
import { fillFromLink } from "./link-params";
import { shown, unkeepable } from "../store/keepable";
import { resendMerged } from "../sync/resend-merged";
import type { LiveAtmos, LiveEvents, LiveHost } from "./live-host";
import type { LiveChange } from "./live-protocol";

// How a live change reaches the Spine records of an Atmos instance. It lives
// in the "atmos2/live" entry: an app without live updates does not download it.

/** The live client's host for an Atmos instance: its store, prefix and events, and the two functions below. */
export function liveHostOf(atmos: LiveAtmos): LiveHost {
  return {
    store: atmos.store,
    prefix: atmos.prefix,
    recordsStored: () => !atmos.metaContext.writesFailing,
    emit: (name, payload) => atmos.emit(name as keyof LiveEvents, payload as LiveEvents[keyof LiveEvents]),
    applyLiveChange: (change) => applyLiveChange(atmos, change),
    pull: (collection) => pullAgain(atmos, collection),
  };
}

/** The registered model whose class name, `Model.collection`, REST collection name (`Task` → `tasks`) or `Model.url`'s collection is `name`. */
function modelByCollection(atmos: LiveAtmos, name: string): SpineModel | undefined {
  const app = atmos.appContext;
  if (app.model(name)) return app.model(name);
  const className = app.classNames().find((each) => namesOf(app.model(each), each).includes(name));
  return className === undefined ? undefined : app.model(className);
}

/** The collections each Atmos has refused (said once: a channel may carry collections a page does not model, or keeps local). */
const unmodelled = new WeakMap<LiveAtmos, Set<string>>();

/** Whether this is the first time `collection` is refused (each is said once). */
function firstRefusal(atmos: LiveAtmos, collection: string): boolean {
  let told = unmodelled.get(atmos);
  if (!told) unmodelled.set(atmos, (told = new Set()));
  if (told.has(collection)) return false;
  told.add(collection);
  return true;
}

/** Refuses, the first time, a change of a collection no registered model names (see `modelByCollection`). */
function unknownCollection(atmos: LiveAtmos, collection: string): void {
  if (!firstRefusal(atmos, collection)) return;
  const app = atmos.appContext;
  const known = app.classNames().map((className) => namesOf(app.model(className), className).map((n) => JSON.stringify(n)).join(" or "));
  throw new Error(`live: no model for collection ${JSON.stringify(collection)} (known: ${known.join(", ")}); set Model.collection, or the server's collection name; its changes are not applied`);
}

/** Refuses, the first time, a change of a collection whose model is `local` (kept on this device only). */
function notFromServers(atmos: LiveAtmos, className: string, collection: string): void {
  if (!firstRefusal(atmos, collection)) return;
  throw new Error(`live: ${className} is kept on this device only (${className}.local = true): changes of ${JSON.stringify(collection)} from the server are not applied`);
}

/** Every name `modelByCollection` finds `model` by, its class name first. */
function namesOf(model: SpineModel, className: string): string[] {
  const names = [className, model.collection, collectionName(className), urlCollection(model.url)];
  return names.filter((name, at): name is string => !!name && names.indexOf(name) === at);
}

/** The collection a model's own `url` names: its last segment that is not a parameter (`/api/v2/todo_items` → `todo_items`). */
function urlCollection(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const segments = url.split(/[?#]/)[0].split("/").filter((s) => s && !s.startsWith(":"));
  return segments[segments.length - 1]?.replace(/\.json$/, "");
}

/**
 * Applies a change announced by a live server to the local records, with
 * Spine events. It is never queued to be sent back, and it never overwrites a
 * record with unsent local edits or brings back a record deleted locally.
 * Resolves with "kept" when it left such a record as it was (a delete).
 */
export async function applyLiveChange(atmos: LiveAtmos, change: LiveChange): Promise<"kept" | void> {
  const { metaContext: meta, appContext: app } = atmos;
  await meta.ready;
  if (closed(atmos)) return;
  const model = modelByCollection(atmos, change.collection);
  if (!model) return unknownCollection(atmos, change.collection);
  const className: string = model.className;
  // Kept on this device only: no server has its records, so none may plant, replace or delete them.
  if (atmos.options(className).local) return notFromServers(atmos, className, change.collection);
  const idField = atmos.resourceClient.IDField;
  const bodyId = change.attrs?.[idField];
  const rawId = change.id ?? bodyId;
  const what = `live: ${/^[aeiou]/.test(String(change.type)) ? "an" : "a"} ${change.type} change of ${change.collection}`;
  if (change.id != null && bodyId != null && String(change.id) !== String(bodyId)) {
    throw new Error(`${what} has the id ${shown(change.id)} but its attrs.${idField} is ${shown(bodyId)}; which record it is for is unclear, so it was not applied`);
  }
  const why = unkeepable(rawId, change.attrs ?? {});
  if (why) throw new Error(`${what} has ${why}; it was not applied`);
  const id = String(rawId);
  // A record marked deleted (a Google task's tombstone) is gone, as a pull takes it.
  const gone = change.type === "deleted" || change.attrs?.deleted === true;
  // The server may announce this tab's own new record before it answers the
  // create: once answered, the record has this id and the news finds it.
  // (What each create had sent as the news came: only news of a record unknown here needs it.)
  const unknown = !gone && !meta.get(className, id);
  const attempts = unknown ? createAttempts(meta.queued(), className) : undefined;
  if (unknown) await atmos.createsAnswered(className);
  // Closed meanwhile: the models may be another Atmos's now, and the news is left to it.
  if (closed(atmos)) return;
  const entry = meta.get(className, id);
  // Deleted locally, or its delete confirmed here: news older than that (a late replay) must not bring it back.
  if (entry?.deleted || (!entry && meta.gone.has(className, id))) return;
  const edited = entry && (entry.queue.length > 0 || !!entry.failed);
  if (gone) {
    // A record the user is editing stays: the edit is theirs to send or revert (live:change says `kept`).
    if (edited) {
      noteDeletedThere(meta, entry, true);
      await meta.flush();
      return "kept";
    }
    if (!entry) return;
    meta.remove(className, id);
    app.destroy(className, id);
    return meta.flush();
  }
  // Model.fromRemote derives what a live body leaves out (e.g. a foreign key from a selfLink).
  let attrs: Attrs = remoteShaped(atmos.options(className), localAttrs(change.attrs ?? {}, id, idField));
  // The server has it (again).
  if (entry) noteDeletedThere(meta, entry, false);
  if (edited) return mergeIntoEdit(atmos, entry, attrs);
  if (!entry) {
    attrs = fillFromLink(atmos.resourceClient, className, model.url, attrs);
    // Maybe the server's copy of this tab's create whose answer was lost: its retry brings the id (lost-creates.ts).
    // An update of a record never seen here, while such a create is out, is most likely that copy changed
    // elsewhere (its "created" was left for the retry): left too; the retry's answer or a pull brings it.
    // (`attempts` is set: a record unknown now was unknown before the wait.)
    const out = createsOut(meta.queued(), className, attempts!);
    if (out.length && (change.type === "updated" || out.some((local) => mayBeCopy(local, attrs)))) return;
    const created = { className, id, attrs, acked: true, queue: [], etag: etagOf(attrs) };
    meta.put(created);
    // Newer than what a pull in flight read: it neither puts back an older copy nor removes this one.
    meta.answers.stamp(className, id);
    app.create(className, attrs);
    atmos.statusChanged(created);
  } else {
    // Late news of a version older than the one shown (a slow socket, a replay) changes nothing.
    if (olderVersion(attrs, entry.attrs)) return;
    const merged = { ...entry.attrs, ...attrs };
    if (changedFields(entry.attrs, merged).length === 0) return;
    entry.attrs = merged;
    entry.acked = true;
    entry.etag = etagOf(attrs) ?? entry.etag;
    meta.touch(entry);
    meta.answers.stamp(className, id);
    app.update(className, id, merged);
    atmos.statusChanged(entry);
  }
  await meta.flush();
}

/** Whether `atmos.close()` was called: nothing is applied after it. */
function closed(atmos: LiveAtmos): boolean {
  return atmos.resourceClient.closed !== undefined;
}

/**
 * A newer server version of a record with unsent local edits, merged as a
 * pull merges it (puller.ts): the fields the user changed keep the user's
 * values (or the app's `resolveConflict` decides), the others take the
 * server's, and the edit is now based on that version (its etag), so the
 * push that follows neither drops the other device's fields nor is refused
 * as stale. Nothing is sent from here.
 */
async function mergeIntoEdit(atmos: LiveAtmos, entry: RecordEntry, remote: Attrs): Promise<void> {
  const { className, id } = entry;
  // This page's own update, published before its answer came (a backend that
  // notifies, then answers): the answer brings it; no conflict with itself.
  if (echoOfSent(entry, remote)) return;
  // Nothing for the live echo of a version this edit is already based on.
  const edit = mergeNewerVersion(atmos.options(className).resolveConflict, entry, remote);
  if (!edit) return;
  const { local, merged, base } = edit;
  resendMerged(entry, local, merged, atmos.metaContext.nextSeq());
  // The server's version now; what a live body leaves out (taskListID) stays from the last one.
  entry.base = { ...(entry.base ?? local), ...remote };
  entry.etag = etagOf(remote) ?? entry.etag;
  entry.acked = true;
  entry.attrs = merged;
  atmos.metaContext.touch(entry);
  atmos.appContext.update(className, id, merged);
  // LiveAtmos names the live events only; the Atmos emits any of its own.
  const conflict: ConflictEvent = { model: className, record: atmos.appContext.find(className, id), local, remote, merged, base };
  (atmos.emit as unknown as (name: "conflict", payload: ConflictEvent) => void)("conflict", conflict);
  atmos.statusChanged(entry);
  await atmos.metaContext.flush();
}

/**
 * Pulls a collection again (after a "resync"), or every model. An index
 * route with a foreign-key parameter (":taskListID") is pulled once per
 * record of the model the key points at.
 */
export async function pullAgain(atmos: LiveAtmos, collection?: string): Promise<void> {
  const app = atmos.appContext;
  const models = collection ? [modelByCollection(atmos, collection)].filter(Boolean) : app.classNames().map((c) => app.model(c));
  for (const model of models) {
    const className: string = model.className;
    const options = atmos.options(className);
    if (options.local) continue;
    // The same lookup as every request (per-model, flat, then REST defaults),
    // asked only for the names of the index route's parameters.
    const param = atmos.resourceClient.route(className, "index", () => "?", options.url).params[0];
    const parent = param ? options.remoteKeys[param] : undefined;
    // What was missed may include deletions: a complete pull (no mark kept
    // for an incremental one) removes the records it no longer returns,
    // within the parent it asked about.
    if (!param) await atmos.sync(className, { remote: true, since: "auto", remove: true }).catch(() => undefined);
    else if (parent) {
      for (const entry of atmos.metaContext.all(parent)) {
        if (!entry.acked || entry.deleted) continue;
        const pathParams = { [param]: entry.id };
        await atmos.sync(className, { remote: true, since: "auto", pathParams, remove: true, removeScope: pathParams }).catch(() => undefined);
      }
    }
  }
}
