import { expect } from "chai";
import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { thrownBy } from "../support/thrown-by";

import { resetModels, Task, Todo } from "./models";

/**
 * API.md "Errors": a bad option is a programmer error that throws, naming
 * the thing to fix, where it is passed. Found by a new user trying the
 * packed package: these were taken without a word and failed later, far
 * from the cause (a `success: "x"` ended the Node process from a timer; a
 * `removeScope: 5` deleted records outside any scope).
 */
describe("bad options passed to new Atmos, save, destroy, sync and the headers", () => {
  let atmos: Atmos;
  beforeEach(() => {
    resetModels();
    atmos = new Atmos({ storage: new MemoryStorage() });
  });
  afterEach(() => {
    delete (Todo as any).remoteSaveOptions;
    delete (Todo as any).remoteKeys;
    (Todo as any).remoteKeys = { projectID: "Project" };
    atmos.close();
  });

  describe("new Atmos(options)", () => {
    const refused: Array<[string, unknown, string]> = [
      ["a string for the options", "x", 'atmos2: new Atmos(options) must be an object of options, got "x"'],
      ["a misspelled option", { storag: new MemoryStorage() }, "atmos2: new Atmos({ storag }) is not an option; the options are storage, store, prefix, clock, random, connectivity, lease, WebSocket, feed"],
      ["an empty prefix", { prefix: "" }, 'atmos2: new Atmos({ prefix }) must be a non-empty string, got ""'],
      ["a store without the Store methods", { store: {} }, "atmos2: new Atmos({ store }) must be a store (get, put, delete, batch, entries), got {}"],
      ["a storage that is not Web Storage", { storage: 5 }, "atmos2: new Atmos({ storage }) must be a Web Storage object (getItem, setItem, removeItem, key, length), got 5"],
      ["a clock without timers", { clock: {} }, "atmos2: new Atmos({ clock }) must be a clock (now, setTimeout, clearTimeout), got {}"],
      ["a random that is a number", { random: 5 }, "atmos2: new Atmos({ random }) must be a function returning a number in [0, 1), got 5"],
      ["a connectivity that is a number", { connectivity: 5 }, "atmos2: new Atmos({ connectivity }) must be an object with subscribe(listener), got 5"],
      ["a lease that is a number", { lease: 5 }, "atmos2: new Atmos({ lease }) must be a lease (start, release), got 5"],
      ["a feed that is a number", { feed: 5 }, "atmos2: new Atmos({ feed }) must be a change feed (publish, subscribe, close), got 5"],
      ["a WebSocket that is a number", { WebSocket: 5 }, "atmos2: new Atmos({ WebSocket }) must be a WebSocket class, got 5"],
    ];
    for (const [what, options, message] of refused) {
      it(`throws for ${what}, naming it, and starts nothing`, () => {
        const before = Atmos.instance;
        expect(thrownBy(() => new Atmos(options as any))).to.equal(message);
        expect(Atmos.instance).to.equal(before);
      });
    }

    it("takes null or undefined for any option (its default)", () => {
      const other = new Atmos({ storage: new MemoryStorage(), clock: undefined, random: undefined, lease: undefined, feed: undefined, WebSocket: undefined, connectivity: undefined });
      other.close();
    });
  });

  describe("record.save(options) and record.destroy(options)", () => {
    const refused: Array<[string, Record<string, unknown>, string]> = [
      ["a success that is a string", { remote: true, success: "x" }, 'atmos2: Todo save({ success }) must be a function, got "x"'],
      ["an error that is a number", { remote: true, error: 5 }, "atmos2: Todo save({ error }) must be a function, got 5"],
      ["a prepareData that is a string", { remote: true, prepareData: "x" }, 'atmos2: Todo save({ prepareData }) must be a function, got "x"'],
      ["an updateFromData that is an object", { remote: true, updateFromData: {} }, "atmos2: Todo save({ updateFromData }) must be a function, got {}"],
      ["a remote that is a string", { remote: "yes" }, 'atmos2: Todo save({ remote }) must be true or false, got "yes"'],
      ["pathParams that are a string", { remote: true, pathParams: "x" }, 'atmos2: Todo save({ pathParams }) must be an object, got "x"'],
      ["params that are an array", { remote: true, params: ["x"] }, 'atmos2: Todo save({ params }) must be an object, got ["x"]'],
    ];
    for (const [what, options, message] of refused) {
      it(`save() throws for ${what} before anything is saved`, () => {
        const todo = new Todo({ title: "Milk" });
        expect(thrownBy(() => todo.save(options))).to.equal(message);
        expect(Todo.count()).to.equal(0);
        expect(atmos.outbox()).to.deep.equal([]);
      });
    }

    it("destroy() throws for a bad callback and keeps the record", () => {
      const todo = Todo.create({ title: "Milk" }) as any;
      expect(thrownBy(() => todo.destroy({ remote: true, success: "x" }))).to.equal('atmos2: Todo destroy({ success }) must be a function, got "x"');
      expect(Todo.exists(todo.id)).to.equal(true);
    });

    it("names the model's remoteSaveOptions when the bad default is there", () => {
      (Todo as any).remoteSaveOptions = { success: "x" };
      expect(thrownBy(() => new Todo({ title: "Milk" }).save({ remote: true }))).to.equal('atmos2: Todo.remoteSaveOptions.success must be a function, got "x"');
    });

    // Found by a new user: each was accepted and ignored (Task.url = 5 sent to /todos and
    // was parked on a 404; Task.local = "yes" sent the record to the server).
    const settings: Array<[string, unknown, string]> = [
      ["url", 5, "atmos2: Todo.url must be a string or a function returning one, got 5"],
      ["local", "yes", 'atmos2: Todo.local must be true or false, got "yes"'],
      ["remote", 1, "atmos2: Todo.remote must be true or false, got 1"],
      ["resolveConflict", 1, "atmos2: Todo.resolveConflict must be a function, got 1"],
      ["fromRemote", {}, "atmos2: Todo.fromRemote must be a function, got {}"],
      ["remoteSaveOptions", 5, "atmos2: Todo.remoteSaveOptions must be an object, got 5"],
      ["incremental", 5, "atmos2: Todo.incremental must be an object { param, field, params }, got 5"],
      ["incremental", { parm: "x", field: "updated" }, "atmos2: Todo.incremental.parm is not an option; the options are param, field, params"],
      ["incremental", { param: "", field: "updated" }, 'atmos2: Todo.incremental.param must be a non-empty string, got ""'],
    ];
    for (const [name, value, message] of settings) {
      it(`save() and sync() throw for Todo.${name} = ${JSON.stringify(value)} before anything is saved`, () => {
        (Todo as any)[name] = value;
        try {
          expect(thrownBy(() => new Todo({ title: "Milk" }).save({ remote: true }))).to.equal(message);
          expect(thrownBy(() => (Todo as any).sync({ remote: true }))).to.equal(message);
          expect(Todo.count()).to.equal(0);
          expect(atmos.outbox()).to.deep.equal([]);
        } finally {
          delete (Todo as any)[name];
        }
      });
    }

    it("names Model.remoteKeys when it is not an object of foreign key → class name", () => {
      (Todo as any).remoteKeys = "Project";
      expect(thrownBy(() => new Todo({ title: "Milk" }).save())).to.equal(
        'atmos2: Todo.remoteKeys must be an object of foreign key → class name, such as { projectID: "Project" }, got "Project"',
      );
      (Todo as any).remoteKeys = { projectID: 5 };
      expect(thrownBy(() => new Todo({ title: "Milk" }).save())).to.equal('atmos2: Todo.remoteKeys.projectID must be a class name, got 5');
      expect(Todo.count()).to.equal(0);
    });

    it("names Model.remoteKeys when a class name in it is misspelled, before the child goes out with its parent's local id", () => {
      // A new user's typo: without a word, the child was sent pointing at the
      // parent's local UUID and its foreign key never followed the server id.
      (Todo as any).remoteKeys = { projectID: "Projcet" };
      expect(thrownBy(() => new Todo({ title: "Milk" }).save({ remote: true }))).to.equal(
        "atmos2: Todo.remoteKeys.projectID names Projcet, no model extended with Spine.Model.Atmosphere (extended: " +
          atmos.appContext.classNames().join(", ") +
          ")",
      );
      expect(Todo.count()).to.equal(0);
    });

    it("names Model.remoteKeys when a class name in it is null (not a TypeError from inside atmos2)", () => {
      (Todo as any).remoteKeys = { projectID: null };
      expect(thrownBy(() => new Todo({ title: "Milk" }).save({ remote: true }))).to.equal("atmos2: Todo.remoteKeys.projectID must be a class name, got null");
      expect(Todo.count()).to.equal(0);
    });

    // Found by a new user: save({ remtoe: true }) saved locally only, without a word.
    const misspelt: Array<[string, Record<string, unknown>, string]> = [
      ["remote with two letters swapped", { remtoe: true }, "atmos2: Todo save({ remtoe }) is not an option atmos2 knows; did you mean remote?"],
      ["success with a letter missing", { remote: true, sucess: () => {} }, "atmos2: Todo save({ sucess }) is not an option atmos2 knows; did you mean success?"],
      ["remote in capitals", { Remote: true }, "atmos2: Todo save({ Remote }) is not an option atmos2 knows; did you mean remote?"],
      ["pathParams with a letter missing", { remote: true, pathParms: {} }, "atmos2: Todo save({ pathParms }) is not an option atmos2 knows; did you mean pathParams?"],
    ];
    for (const [what, options, message] of misspelt) {
      it(`save() throws for ${what}, before anything is saved`, () => {
        expect(thrownBy(() => new Todo({ title: "Milk" }).save(options))).to.equal(message);
        expect(Todo.count()).to.equal(0);
      });
    }

    it("destroy() and remoteSaveOptions name a misspelt option too", () => {
      const todo = Todo.create({ title: "Milk" }) as any;
      expect(thrownBy(() => todo.destroy({ remtoe: true }))).to.equal("atmos2: Todo destroy({ remtoe }) is not an option atmos2 knows; did you mean remote?");
      expect(Todo.exists(todo.id)).to.equal(true);
      (Todo as any).remoteSaveOptions = { prepareDta: () => ({}) };
      expect(thrownBy(() => new Todo({ title: "Bread" }).save({ remote: true }))).to.equal("atmos2: Todo.remoteSaveOptions.prepareDta is not an option atmos2 knows; did you mean prepareData?");
    });

    it("still takes Spine's own options and any option of the app's", () => {
      const todo = new Todo({ title: "Milk" });
      const options = { validate: false, ajax: false, mine: 1, remote: false, success: undefined };
      todo.save(options);
      expect(Todo.count()).to.equal(1);
    });
  });

  describe("Model.sync(options)", () => {
    const refused: Array<[string, Record<string, unknown>, string]> = [
      ["a misspelled option", { remot: true }, "atmos2: Task.sync({ remot }) is not an option; the options are remote, pathParams, params, remove, removeScope, since"],
      ["a remote that is a string", { remote: "yes" }, 'atmos2: Task.sync({ remote }) must be true or false, got "yes"'],
      ["a remove that is a number", { remote: true, remove: 1 }, "atmos2: Task.sync({ remove }) must be true or false, got 1"],
      ["a removeScope that is a number", { remote: true, remove: true, removeScope: 5 }, "atmos2: Task.sync({ removeScope }) must be an object of attributes or a function, got 5"],
      ["params that are a string", { remote: true, params: "x" }, 'atmos2: Task.sync({ params }) must be an object, got "x"'],
      ["pathParams that are a number", { remote: true, pathParams: 1 }, "atmos2: Task.sync({ pathParams }) must be an object, got 1"],
      ["a since that is neither \"auto\" nor a time", { remote: true, since: "autoo" }, 'atmos2: Task.sync({ since }) must be "auto" or a date and time such as "2026-01-31T12:00:00Z", got "autoo"'],
    ];
    for (const [what, options, message] of refused) {
      it(`throws for ${what}, before anything is loaded or sent`, () => {
        expect(thrownBy(() => (Task as any).sync(options))).to.equal(message);
      });
    }

    it("takes since as a date and time", async () => {
      atmos.resourceClient.fetch = async () => new Response("[]", { status: 200, headers: { "Content-Type": "application/json" } });
      atmos.resourceClient.base = "http://127.0.0.1:9";
      await (Task as any).sync({ remote: true, pathParams: { taskListID: "L1" }, since: "2026-01-31T12:00:00.000Z" });
    });
  });

  describe("resourceClient.removeHeader(name)", () => {
    it("throws naming the header name when it is not a string", () => {
      atmos.resourceClient.addHeader("Authorization", "Bearer x");
      expect(thrownBy(() => (atmos.resourceClient as any).removeHeader())).to.equal("atmos2: removeHeader(name): the name must be a string, got undefined");
      expect(atmos.resourceClient.headers).to.deep.equal({ Authorization: "Bearer x" });
    });
  });
});
