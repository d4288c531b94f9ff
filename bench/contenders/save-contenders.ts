import Spine from "spine";
import { Atmos } from "../../lib";
import type { TaskAttrs } from "../fixtures/task-fixtures";

/**
 * The ways to store one edited record in Web Storage that P1 compares, each
 * set up as its user would set it up. Shared by the Node run and the
 * Chromium page (bundled by webpack), so both measure the same code.
 *
 * Every contender gets the storage that Spine and Backbone use themselves:
 * `globalThis.localStorage` (localstorage-polyfill in Node, the real one in
 * Chromium), cleared before it is seeded.
 */
export interface SaveContender {
  name: string;
  /** Puts `records` in storage as a previous session would have left them, and loads them. */
  seed(records: TaskAttrs[]): Promise<void>;
  /** Edits one stored record and stores it; resolves once it is in storage. */
  save(id: string, title: string): unknown;
  teardown(): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine and Backbone are untyped here */
const g = globalThis as any;

function storage(): Storage {
  return g.localStorage as Storage;
}

let models: { SaveTask: any; SpineTask: any; SpineMemoryTask: any; SpineFloorTask: any; Backbone: any } | undefined;

/** Models are defined once per process: Spine registries and atmos2's are global. */
function defineModels() {
  if (models) return models;
  require("spine/lib/local");
  const Backbone = require("backbone");
  require("backbone.localstorage");
  const SaveTask: any = class extends Spine.Model {};
  SaveTask.configure("SaveTask", "title", "notes", "status", "due");
  SaveTask.extend((Spine.Model as any).Atmosphere);
  const SpineTask: any = class extends Spine.Model {};
  SpineTask.configure("SpineTask", "title", "notes", "status", "due");
  SpineTask.extend((Spine.Model as any).Local);
  const SpineMemoryTask: any = class extends Spine.Model {};
  SpineMemoryTask.configure("SpineMemoryTask", "title", "notes", "status", "due");
  const SpineFloorTask: any = class extends Spine.Model {};
  SpineFloorTask.configure("SpineFloorTask", "title", "notes", "status", "due");
  models = { SaveTask, SpineTask, SpineMemoryTask, SpineFloorTask, Backbone };
  return models;
}

/** One setItem of the record's JSON, with no model layer: nothing cheaper can persist it. */
export function floorContender(): SaveContender {
  const byId = new Map<string, TaskAttrs>();
  return {
    name: "setItem only",
    async seed(records) {
      storage().clear();
      for (const r of records) {
        byId.set(r.id, r);
        storage().setItem(`floor:${r.id}`, JSON.stringify(r));
      }
    },
    save(id, title) {
      const record = { ...byId.get(id), title };
      storage().setItem(`floor:${id}`, JSON.stringify(record));
    },
    teardown() {
      byId.clear();
      storage().clear();
    },
  };
}

/**
 * atmos2: the records were pulled from a server earlier (synced), and the
 * user edits one with a plain `save()`. The pull goes through
 * `rc.fetch` (atmos2's transport seam) answering from memory, so no server
 * is needed to reach that state.
 */
export function atmosContender(): SaveContender {
  const { SaveTask } = defineModels();
  let atmos: Atmos | undefined;
  let errors: unknown[] = [];
  return {
    name: "atmos2",
    async seed(records) {
      storage().clear();
      atmos = new Atmos({ storage: storage() });
      errors = [];
      atmos.on("error", (e) => errors.push(e));
      const rc = atmos.resourceClient;
      rc.base = "http://bench.invalid";
      rc.routes = { SaveTask: { index: "GET /tasks", create: "POST /tasks", update: "PUT /tasks/:id", delete: "DELETE /tasks/:id" } };
      const body = JSON.stringify({ items: records });
      rc.fetch = async () => new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
      await SaveTask.sync({ remote: true });
      await atmos.whenSynced();
      if (SaveTask.count() !== records.length) throw new Error(`atmos2 loaded ${SaveTask.count()} of ${records.length} records`);
      if (errors.length) throw new Error(`atmos2 reported an error while seeding: ${(errors[0] as any)?.error?.message}`);
    },
    save(id, title) {
      const record = SaveTask.find(id);
      record.title = title;
      record.save();
      return atmos!.whenSynced();
    },
    teardown() {
      if (errors.length) throw new Error(`atmos2 reported an error: ${(errors[0] as any)?.error?.message}`);
      atmos?.close();
      SaveTask.deleteAll();
      storage().clear();
    },
  };
}

/** Spine's own `Model.Local`: the collection lives in one key, rewritten on every save. */
export function spineLocalContender(): SaveContender {
  const { SpineTask } = defineModels();
  return {
    name: "Spine Local",
    async seed(records) {
      storage().clear();
      storage().setItem("SpineTask", JSON.stringify(records));
      SpineTask.deleteAll();
      SpineTask.fetch();
      if (SpineTask.count() !== records.length) throw new Error(`Spine Local loaded ${SpineTask.count()} of ${records.length} records`);
    },
    save(id, title) {
      const record = SpineTask.find(id);
      record.title = title;
      record.save();
    },
    teardown() {
      SpineTask.deleteAll();
      storage().clear();
    },
  };
}

/** Backbone.localStorage 2.1: one key per record plus an id list, in its own format. */
export function backboneContender(): SaveContender {
  const { Backbone } = defineModels();
  let collection: any;
  return {
    name: "Backbone.localStorage",
    async seed(records) {
      storage().clear();
      storage().setItem("BbTask", records.map((r) => r.id).join(","));
      for (const r of records) storage().setItem(`BbTask-${r.id}`, JSON.stringify(r));
      const Tasks = Backbone.Collection.extend({ localStorage: new Backbone.LocalStorage("BbTask") });
      collection = new Tasks();
      collection.fetch();
      if (collection.length !== records.length) throw new Error(`Backbone.localStorage loaded ${collection.length} of ${records.length} records`);
    },
    save(id, title) {
      collection.get(id).save({ title });
    },
    teardown() {
      collection = undefined;
      storage().clear();
    },
  };
}

/**
 * Spine with no storage at all: what the model layer itself costs, which
 * any Spine storage extension (atmos2 included) pays on top of the floor.
 */
export function spineMemoryContender(): SaveContender {
  const { SpineMemoryTask } = defineModels();
  return {
    name: "Spine, no storage",
    async seed(records) {
      storage().clear();
      SpineMemoryTask.deleteAll();
      SpineMemoryTask.refresh(records.map((r) => ({ ...r })));
    },
    save(id, title) {
      const record = SpineMemoryTask.find(id);
      record.title = title;
      record.save();
    },
    teardown() {
      SpineMemoryTask.deleteAll();
    },
  };
}

/**
 * The irreducible cost of a Spine storage extension: Spine's own in-memory
 * save plus one setItem of the saved record's JSON (one key per record, no
 * outbox, no sync state). What atmos2 is judged against.
 */
export function spineSetItemContender(): SaveContender {
  const { SpineFloorTask } = defineModels();
  const key = (id: string) => `SpineFloorTask-${id}`;
  return {
    name: "Spine + one setItem",
    async seed(records) {
      storage().clear();
      for (const r of records) storage().setItem(key(r.id), JSON.stringify(r));
      SpineFloorTask.deleteAll();
      SpineFloorTask.refresh(records.map((r) => ({ ...r })));
    },
    save(id, title) {
      const record = SpineFloorTask.find(id);
      record.title = title;
      record.save();
      storage().setItem(key(id), JSON.stringify(record));
    },
    teardown() {
      SpineFloorTask.deleteAll();
      storage().clear();
    },
  };
}

/** Makers of the contenders, in the order they take turns (counted before any is made: making one defines its Spine models). */
// Spine Local's saves at 10,000 records leave megabytes of garbage each: the
// contenders after it in a round are the ones no goal is judged on.
export const saveContenderMakers: Array<() => SaveContender> = [spineSetItemContender, atmosContender, backboneContender, spineLocalContender, floorContender, spineMemoryContender];

export function saveContenders(): SaveContender[] {
  return saveContenderMakers.map((make) => make());
}
