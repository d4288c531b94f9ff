import { expect } from "chai";
import Spine from "spine";
import { Atmos, type SaveOptions } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";
import { models, Project, resetModels, Todo } from "./models";


const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Twins: the same model with and without the Atmosphere, to compare Spine's behaviour.
function defineNote(name: string, extended: boolean) {
  class Note extends Spine.Model {
    declare title: string;
    validate() {
      if (!this.title) return "title is required";
    }
  }
  Note.configure(name, "title", "done");
  if (extended) Note.extend(Spine.Model.Atmosphere as object);
  return Note;
}
const PlainNote = defineNote("PlainNote", false);
const SyncedNote = defineNote("SyncedNote", true);

/** Runs the same user actions on a model and lists the events it fired, ids left out (Spine's `c-0` vs UUIDs). */
function eventsOf(Note: typeof PlainNote): unknown[] {
  Note.deleteAll();
  const log: unknown[] = [];
  const shape = (value: any): unknown =>
    value instanceof Spine.Model ? { attrs: { ...value.attributes(), id: undefined }, isClone: !Object.prototype.hasOwnProperty.call(value, "cid") } : Array.isArray(value) ? value.map(shape) : value;
  const names = ["create", "update", "destroy", "change", "refresh", "error", "save", "beforeSave"];
  const handlers = names.map((name) => [name, (...args: unknown[]) => log.push([name, ...args.map(shape)])] as const);
  for (const [name, fn] of handlers) Note.bind(name, fn);
  try {
    const note = new Note({ title: "a" });
    // The app's own options, typed as the README says (an unknown key is a compile error otherwise).
    note.save({ custom: 1 } as SaveOptions);
    note.title = "b";
    note.save();
    note.updateAttributes({ done: true }, { other: 2 } as SaveOptions);
    new Note({ title: "" }).save();
    Note.refresh([{ id: "r1", title: "from outside" }]);
    note.destroy({ why: "user" } as SaveOptions);
  } finally {
    for (const [name, fn] of handlers) Note.unbind(name, fn);
  }
  return log;
}

describe("Spine.Model.Atmosphere", () => {
  let atmos: Atmos;
  let rails: RailsScaffoldServer;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer();
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = rails.url;
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("is registered on Spine.Model by loading the package", () => {
    expect(Spine.Model.Atmosphere).to.be.an("object");
    expect((Spine.Model.Atmosphere as any).sync).to.be.a("function");
  });

  it("refuses a model that was not configured first, saying to configure before extending", () => {
    class Unconfigured extends Spine.Model {}
    expect(() => Unconfigured.extend(Spine.Model.Atmosphere as object)).to.throw(Error, /configure.*before.*extend/);
  });

  it("refuses a model with an attribute named syncState (the method it gives records), before a value of it is lost", () => {
    class Draft extends Spine.Model {}
    Draft.configure("DraftWithSyncState", "title", "syncState");
    expect(() => Draft.extend(Spine.Model.Atmosphere as object)).to.throw(
      "atmos2: DraftWithSyncState has an attribute named syncState, the name of the method Spine.Model.Atmosphere gives its records (record.syncState()): rename the attribute",
    );
    class Later extends Spine.Model {}
    Later.configure("DraftConfiguredLater", "title");
    Later.extend(Spine.Model.Atmosphere as object);
    expect(() => Later.configure("DraftConfiguredLater", "title", "syncState")).to.throw(/DraftConfiguredLater has an attribute named syncState/);
  });

  it("leaves Spine's save, find, all and destroy working as without it", () => {
    const note = new SyncedNote({ title: "milk" });
    const saved = note.save() as InstanceType<typeof SyncedNote>;
    expect(saved.title).to.equal("milk");
    expect(SyncedNote.find(note.id).title).to.equal("milk");
    expect(SyncedNote.all().map((n) => n.title)).to.deep.equal(["milk"]);
    expect(SyncedNote.select((n: any) => n.title === "milk")).to.have.length(1);
    note.destroy();
    expect(SyncedNote.exists(note.id)).to.equal(false);
    expect(SyncedNote.all()).to.deep.equal([]);
  });

  it("fires create, update, destroy, change, refresh and error with the same arguments as an unextended model", () => {
    const plain = eventsOf(PlainNote);
    expect(plain.length).to.be.greaterThan(8);
    expect(eventsOf(SyncedNote)).to.deep.equal(plain);
  });

  it("fires the UI events synchronously, before save() returns", () => {
    const seen: string[] = [];
    const fn = (_: unknown, type: string) => seen.push(type);
    SyncedNote.bind("change", fn);
    new SyncedNote({ title: "x" }).save({ remote: true });
    SyncedNote.unbind("change", fn);
    expect(seen).to.deep.equal(["create"]);
  });

  it("gives new records UUID v4 ids that do not repeat", () => {
    const ids = Array.from({ length: 50 }, () => (new Todo({ title: "t" }).save() as any).id as string);
    for (const id of ids) expect(id).to.match(uuidV4);
    expect(new Set(ids).size).to.equal(50);
  });

  it("tells each record's sync state: local, pending, synced, failed", async () => {
    const todo = new Todo({ title: "a" });
    todo.save();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("local");
    todo.save({ remote: true });
    expect((Todo.find(todo.id) as any).syncState()).to.equal("pending");
    await atmos.whenSynced();
    const synced = Todo.first() as any;
    expect(synced.syncState()).to.equal("synced");
    rails.failNext(422, { title: ["is too short"] });
    synced.title = "b";
    synced.save({ remote: true });
    await atmos.whenSynced();
    expect((Todo.first() as any).syncState()).to.equal("failed");
  });

  it("lists records with unsent changes in dirty(), and none once pushed", async () => {
    const a = new Todo({ title: "a" });
    a.save();
    const b = new Todo({ title: "b" });
    b.save();
    expect(models.Todo.dirty().map((t) => t.title)).to.have.members(["a", "b"]);
    await models.Todo.push();
    expect(models.Todo.dirty()).to.deep.equal([]);
    expect(rails.records("todos").map((t) => t.title)).to.have.members(["a", "b"]);
  });

  it("lists a plain destroy of an acknowledged record in destroyedIds(), and push() deletes it on the server", async () => {
    new Todo({ title: "gone soon" }).save({ remote: true });
    await atmos.whenSynced();
    const todo = Todo.first()!;
    const serverId = String(rails.records("todos")[0].id);
    expect(todo.id).to.equal(serverId);
    todo.destroy();
    expect(models.Todo.destroyedIds()).to.deep.equal([serverId]);
    expect(rails.records("todos")).to.have.length(1);
    await models.Todo.push();
    expect(rails.records("todos")).to.deep.equal([]);
    expect(rails.requests.at(-1)).to.include({ method: "DELETE", path: `/todos/${serverId}` });
    expect(models.Todo.destroyedIds()).to.deep.equal([]);
  });

  it("does not list a destroyed record the server never knew", () => {
    const todo = new Todo({ title: "draft" });
    todo.save();
    todo.destroy();
    expect(models.Todo.destroyedIds()).to.deep.equal([]);
    expect(models.Todo.dirty()).to.deep.equal([]);
  });

  it("follows remoteKeys assigned before extend: a child made offline points at its parent's server id", async () => {
    const project = new Project({ name: "Home" });
    project.save();
    const todo = new Todo({ title: "paint", projectID: project.id });
    todo.save();
    await atmos.push();
    const serverProject = rails.records("projects")[0];
    const serverTodo = rails.records("todos")[0];
    // A number, as the server gave the project's id; a string here, as the project's id is (numeric-foreign-keys.spec.ts).
    expect(serverTodo.projectID).to.equal(serverProject.id);
    expect(Todo.first()!.projectID).to.equal(String(serverProject.id));
    const posts = rails.requests.filter((r) => r.method === "POST").map((r) => r.path);
    expect(posts).to.deep.equal(["/projects", "/todos"]);
  });

  it("sends the model's remoteSaveOptions with every remote save", async () => {
    const successes: unknown[] = [];
    models.Todo.remoteSaveOptions = { params: { source: "defaults" }, success: (record: any) => successes.push(record.title) };
    const todo = new Todo({ title: "a" });
    todo.save({ remote: true });
    await atmos.whenSynced();
    const again = Todo.first()!;
    again.title = "b";
    again.save({ remote: true, params: { source: "call" } });
    await atmos.whenSynced();
    expect(rails.requests.map((r) => [r.method, r.query.source])).to.deep.equal([
      ["POST", "defaults"],
      ["PUT", "call"],
    ]);
    expect(successes).to.deep.equal(["a", "b"]);
  });

  it("uses the model's remoteSaveOptions for changes sent by push() and for changes sent again after a reload", async () => {
    const successes: unknown[] = [];
    models.Todo.remoteSaveOptions = { params: { source: "defaults" }, success: (record: any) => successes.push(record.title) };
    new Todo({ title: "saved, then pushed" }).save();
    await Todo.push();
    // A remote save whose request is out when the page goes away; the new page sends it again.
    const storage = new MemoryStorage();
    atmos.close();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    atmos.resourceClient.fetch = () => new Promise(() => undefined);
    new Todo({ title: "sent again after a reload" }).save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    atmos.close();
    atmos = new Atmos({ storage });
    atmos.resourceClient.base = rails.url;
    await atmos.whenSynced();
    expect(rails.requests.map((r) => [r.method, r.body && (r.body as any).title, r.query.source])).to.deep.equal([
      ["POST", "saved, then pushed", "defaults"],
      ["POST", "sent again after a reload", "defaults"],
    ]);
    expect(successes).to.deep.equal(["saved, then pushed", "sent again after a reload"]);
  });
});
