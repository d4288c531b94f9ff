import fc from "fast-check";
import type { ModelName, Twin } from "./twin-models";

/**
 * The public Spine calls the fidelity property makes, as plain data so a
 * shrunk counterexample reads as the steps a user took. Records are named
 * by position, the same on both twins: `{ held: k }` is the k-th object the
 * app made with `new Model(...)` and saved (not a clone), `{ model, index }`
 * is `Model.find(id)` (a clone) of the index-th record of `Model.all()`.
 */
export type Target = { held: number } | { model: ModelName; index: number };
export type Attrs = { title?: string; rank?: number };

export type SpineCall =
  | { call: "new+save"; model: ModelName; attrs: Attrs }
  | { call: "save"; target: Target; attrs: Attrs }
  | { call: "updateAttribute"; target: Target; name: "title" | "rank"; value: string | number }
  | { call: "updateAttributes"; target: Target; attrs: Attrs }
  | { call: "refresh"; target: Target; attrs: Attrs & { id?: string } }
  | { call: "changeID"; target: Target; id: string }
  | { call: "destroy"; target: Target }
  | { call: "destroy+undo"; target: Target }
  | { call: "Model.refresh"; model: ModelName; list: Array<Attrs & { id?: string }>; clear: boolean }
  | { call: "Model.destroyAll"; model: ModelName }
  | { call: "Model.deleteAll"; model: ModelName }
  | { call: "album.photos().create"; index: number; attrs: Attrs }
  | { call: "album.photos(list)"; index: number; list: Array<Attrs & { id?: string }> };

/**
 * Ids the calls give explicitly. A small pool, so calls meet each other's
 * ids (a refresh of an id a changeID just left, and so on). Never `c-N`
 * nor a UUID, the ids the twins mint themselves.
 */
export const givenIds = ["r1", "r2", "r3"];

const model = fc.constantFrom<ModelName>("Album", "Photo");
const index = fc.nat({ max: 7 });
const attrs: fc.Arbitrary<Attrs> = fc.record({ title: fc.constantFrom("a", "b", "c"), rank: fc.constantFrom(1, 2, 3) }, { requiredKeys: [] });
const attrsWithId = fc.record({ id: fc.constantFrom(...givenIds), title: fc.constantFrom("a", "b", "c"), rank: fc.constantFrom(1, 2, 3) }, { requiredKeys: [] });
const target: fc.Arbitrary<Target> = fc.oneof(fc.record({ held: index }), fc.record({ model, index }));

/** One call; creates come more often, so sequences have records to work on. */
export const spineCall: fc.Arbitrary<SpineCall> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ call: fc.constant("new+save" as const), model, attrs }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("save" as const), target, attrs }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("updateAttribute" as const), target, name: fc.constant("title" as const), value: fc.constantFrom("a", "b", "c") }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("updateAttributes" as const), target, attrs }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("refresh" as const), target, attrs: attrsWithId }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("changeID" as const), target, id: fc.constantFrom(...givenIds) }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("destroy" as const), target }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("destroy+undo" as const), target }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("Model.refresh" as const), model, list: fc.array(attrsWithId, { minLength: 1, maxLength: 3 }), clear: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("Model.destroyAll" as const), model }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("Model.deleteAll" as const), model }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("album.photos().create" as const), index, attrs }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("album.photos(list)" as const), index, list: fc.array(attrsWithId, { maxLength: 2 }) }) },
);

/** An object the app made with `new Model(...)` and keeps. */
export interface Held {
  model: ModelName;
  record: any;
}

/** What a call did on one twin: the records it returned (for pairing minted ids) and whether it threw. */
export interface Outcome {
  returned: any[];
  threw?: string;
  /** Skipped on both twins: the record named does not exist (no records, or no held object). */
  skipped?: boolean;
}

function findOrNull(model: any, id: unknown): any {
  try {
    return model.find(id) ?? null;
  } catch {
    return null;
  }
}

function resolve(twin: Twin, held: Held[], target: Target): { model: any; record: any } | undefined {
  if ("held" in target) {
    if (!held.length) return undefined;
    const kept = held[target.held % held.length];
    return { model: twin[kept.model], record: kept.record };
  }
  const model = twin[target.model];
  const all = model.all();
  // find() gives null (Spine 1.6) or throws (1.2) for a record shown under an
  // id Spine's index forgot (a half-done changeID, a refresh with a new id).
  const record = all.length ? findOrNull(model, all[target.index % all.length].id) : null;
  return record ? { model, record } : undefined;
}

/**
 * Calls no store keyed by id can follow, decided on the plain twin (the
 * reference) and then skipped on both: a new id already in use (indexed,
 * or shown by a record whose `changeID` Spine 1.6 left half done). Spine's
 * `changeID`, a record's `refresh` with an id and `Model.refresh` do not
 * check it, and Spine then holds two records under one id. Also
 * `Model.refresh` of an id a destroyed record left in Spine's index, and
 * calls that reach a record through its id when Spine's index no longer
 * leads there from that id: on plain Spine the id of a record made on the
 * page is its cid, so the lookup lands on whichever record now holds that
 * cid (a different record) where an extended model, whose ids are not cids,
 * finds none, or finds none on plain Spine where an extended model finds it.
 */
export function outsideSpineContract(plain: Twin, held: Held[], call: SpineCall): boolean {
  if (call.call === "album.photos().create") return foundElsewhere(plain.Album, call.index);
  // Replacing an album's photos refreshes the new ones in: Model.refresh's limits, and the album's own.
  if (call.call === "album.photos(list)" && foundElsewhere(plain.Album, call.index)) return true;
  if ("target" in call && !("held" in call.target) && foundElsewhere(plain[call.target.model], call.target.index)) return true;
  if (call.call === "Model.refresh" || call.call === "album.photos(list)") {
    // A record shown under an id Spine's index forgot (a half-done changeID): refreshing that id adds a second one.
    const model = plain[call.call === "Model.refresh" ? call.model : "Photo"];
    const shown = new Set(model.all().map((r: any) => String(r.id)));
    // An id still indexed to a record destroyed since (a changeID left it): Spine refreshes that ghost, on
    // plain Spine reaching whichever record now has its cid as id, and then throws or renames that other record.
    const ghost = (id: string) => model.exists(id) && !model.records.includes(model.irecords[id]);
    // Indexed under this id, but not under its own one: refreshing it renames it through its own id's index entry.
    const halfMoved = (id: string) => model.exists(id) && model.irecords[model.irecords[id].id] !== model.irecords[id];
    return call.list.some((item) => item.id !== undefined && ((shown.has(item.id) && !model.exists(item.id)) || ghost(item.id) || halfMoved(item.id)));
  }
  if (!("target" in call)) return false;
  const found = resolve(plain, held, call.target);
  if (!found) return false;
  const { model, record } = found;
  const newId = call.call === "changeID" ? call.id : call.call === "refresh" ? call.attrs.id : undefined;
  if (newId === undefined || record.id === newId) return false;
  return model.exists(newId) || model.all().some((r: any) => r.id === newId);
}

/**
 * Whether the record shown at `index` cannot be reached through its id on
 * plain Spine because its id is a cid (see `outsideSpineContract`): indexed
 * under it is another record, or nothing since another object with that cid
 * was destroyed (Spine's destroy drops the index entry under the cid too;
 * an undo makes such a twin object: a new record with the old one's id).
 */
function foundElsewhere(model: any, index: number): boolean {
  const records = model.records;
  if (!records.length) return false;
  const record = records[index % records.length];
  const indexed = model.irecords[record.id];
  if (indexed === undefined) return /^c-\d+$/.test(String(record.id));
  return indexed !== record;
}

/** The album shown at `index`, found by its id, for a relation call. */
function albumAt(twin: Twin, index: number): any {
  const albums = twin.Album.all();
  if (!albums.length) throw new Skip();
  // Twins without the relation addon (Spine 1.2.2's) skip relation calls.
  if (typeof twin.Album.prototype.photos !== "function") throw new Skip();
  return findOrNull(twin.Album, albums[index % albums.length].id);
}

/** Makes one call on one twin, as an app would, and says what came of it. */
export function perform(twin: Twin, held: Held[], call: SpineCall): Outcome {
  try {
    return { returned: run(twin, held, call) };
  } catch (error) {
    if (error instanceof Skip) return { returned: [], skipped: true };
    return { returned: [], threw: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Thrown when the record a call names does not exist on the twin; the call is then skipped. */
class Skip extends Error {}

function run(twin: Twin, held: Held[], call: SpineCall): any[] {
  switch (call.call) {
    case "new+save": {
      const record = new twin[call.model](call.attrs);
      held.push({ model: call.model, record });
      return [record.save()];
    }
    case "Model.refresh":
      return twin[call.model].refresh(
        call.list.map((item) => ({ ...item })),
        call.clear ? { clear: true } : undefined,
      );
    case "Model.destroyAll":
      twin[call.model].destroyAll();
      return [];
    case "Model.deleteAll":
      twin[call.model].deleteAll();
      return [];
    case "album.photos().create":
      return [albumAt(twin, call.index).photos().create({ ...call.attrs })];
    case "album.photos(list)":
      albumAt(twin, call.index).photos(call.list.map((item) => ({ ...item })));
      return [];
  }
  const found = resolve(twin, held, call.target);
  if (!found) throw new Skip();
  const { record } = found;
  switch (call.call) {
    case "save":
      Object.assign(record, call.attrs);
      return [record.save()];
    case "updateAttribute":
      return [record.updateAttribute(call.name, call.value)];
    case "updateAttributes":
      return [record.updateAttributes({ ...call.attrs })];
    case "refresh":
      return [record.refresh({ ...call.attrs })];
    case "changeID":
      record.changeID(call.id);
      return [];
    case "destroy":
      return [record.destroy()];
    case "destroy+undo": {
      // An app's undo: the record saved again as it was, under its id.
      const attrs = record.attributes();
      record.destroy();
      const again = new found.model(attrs);
      return [again.save()];
    }
  }
}
