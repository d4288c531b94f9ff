import { expect } from "chai";
import Spine from "spine";
import { routeFor } from "../../../lib/sync/routes";
import { models, Task, Todo } from "../models";
import { railsAtmos } from "../rails-atmos";

/** The error a call throws, or undefined. */
function thrownBy(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/**
 * API.md "Errors": an unknown model in routes is a programmer error. A model
 * entry that names no extended model is most likely a misspelling of the
 * model being sent, which would otherwise go to the REST defaults silently.
 */
describe("routes naming a model that was never extended", () => {
  describe("resolving a model's route", () => {
    const extended = () => ["List", "Task"];

    it("throws naming the unknown entry, the extended models, and the model that would fall back to the REST defaults", () => {
      const error = thrownBy(() => routeFor({ Tsak: { index: "GET /lists/1/tasks" } }, "Task", "index", undefined, extended));
      expect(error?.message).to.equal(
        "atmos2: routes.Tsak names no model extended with Spine.Model.Atmosphere (extended: List, Task); Task would use the REST defaults",
      );
    });

    it("names every unknown entry, whatever its case, and ignores flat routes", () => {
      const error = thrownBy(() => routeFor({ index: "/all", Tsak: {}, task: { create: "POST /x" }, List: {} }, "Task", "create", undefined, extended));
      expect(error?.message).to.contain("routes.Tsak, routes.task names no model");
      expect(error?.message).not.to.contain("routes.index");
      expect(error?.message).not.to.contain("routes.List ");
    });

    it("lets a model with routes of its own use them, whatever else the table holds", () => {
      expect(routeFor({ Task: { index: "GET /mine" }, Tsak: {} }, "Task", "index", undefined, extended)).to.equal("GET /mine");
    });

    it("resolves as before when every entry names an extended model, or when no one said which models are extended", () => {
      expect(routeFor({ List: { index: "GET /lists" }, create: "POST /things" }, "Task", "create", undefined, extended)).to.equal("POST /things");
      expect(routeFor({ Tsak: {} }, "Task", "index")).to.equal("/tasks");
    });
  });

  describe("used by an app", () => {
    const app = railsAtmos();

    it("throws from Task.sync({ remote: true }) naming the misspelled entry, and sends nothing to the REST defaults", async () => {
      app.atmos.resourceClient.routes = { Tsak: { index: "GET /lists/1/tasks", create: "POST /lists/1/tasks" } };
      let failure: Error | undefined;
      try {
        await models.Task.sync({ remote: true });
      } catch (error) {
        failure = error as Error;
      }
      expect(failure?.message).to.match(/routes\.Tsak names no model extended with Spine\.Model\.Atmosphere \(extended: [^)]*\bTask\b[^)]*\); Task would use the REST defaults$/);
      expect(app.rails.requests).to.deep.equal([]);
    });

    it("throws from save({ remote: true }) naming the misspelled entry, after keeping the record locally", async () => {
      app.atmos.resourceClient.routes = { Tsak: { create: "POST /lists/1/tasks" } };
      const task = new Task({ title: "kept" });
      expect(() => task.save({ remote: true })).to.throw(Error, /routes\.Tsak names no model.*Task would use the REST defaults/);
      await app.atmos.whenSynced();
      expect(Task.all().map((t) => t.title)).to.deep.equal(["kept"]);
      expect(app.rails.requests).to.deep.equal([]);
    });

    it("still sends the models that have routes of their own", async () => {
      app.atmos.resourceClient.routes = { Todo: { create: "POST /todos.json" }, Tsak: { create: "POST /lists/1/tasks" } };
      const todo = new Todo({ title: "mine" });
      todo.save({ remote: true });
      await app.atmos.whenSynced();
      expect(app.rails.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /todos.json"]);
      expect((Todo.find(todo.id) as any).syncState()).to.equal("synced");
    });

    it("checks at use, so routes may name a model that is extended only later", async () => {
      app.atmos.resourceClient.routes = { Gadget: { create: "POST /gadgets.json" } };
      class Gadget extends Spine.Model {}
      Gadget.configure("Gadget", "name");
      Gadget.extend(Spine.Model.Atmosphere as object);
      new Gadget({ name: "late" }).save({ remote: true });
      new Todo({ title: "default route" }).save({ remote: true });
      await app.atmos.whenSynced();
      expect(app.rails.requests.map((r) => `${r.method} ${r.path}`).sort()).to.deep.equal(["POST /gadgets.json", "POST /todos"]);
    });
  });
});
