import "localstorage-polyfill";
import { expect } from "chai";
import { Atmos } from "../../lib";
import { models, resetModels, Todo } from "./models";

/** `new Atmos()` with no options, as in the README: globalThis.localStorage (here from localstorage-polyfill). */
describe("Atmos on the default storage", () => {
  let atmos: Atmos;
  beforeEach(() => {
    resetModels();
    localStorage.clear();
    atmos = new Atmos();
  });
  afterEach(() => {
    atmos.close();
    localStorage.clear();
  });

  it("becomes Atmos.instance, the one the models use", () => {
    expect(Atmos.instance).to.equal(atmos);
    const later = new Atmos();
    expect(Atmos.instance).to.equal(later);
    later.close();
  });

  it("keeps records in globalThis.localStorage, one key each, and a reload reads them back", async () => {
    const todo = new Todo({ title: "in localStorage" });
    todo.save();
    await atmos.whenSynced();
    expect(JSON.parse(localStorage.getItem(`atmos2:rec:Todo:${todo.id}`)!).attrs).to.include({ title: "in localStorage" });
    atmos.close();
    resetModels();
    atmos = new Atmos();
    const records = await models.Todo.sync();
    expect(records.map((t) => t.title)).to.deep.equal(["in localStorage"]);
  });
});
