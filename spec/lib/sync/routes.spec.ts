import { expect } from "chai";
import { collectionName, underscore } from "../../../lib/sync/naming";
import { resolveRoute, routeFor, validateRoutes, type RouteTable } from "../../../lib/sync/routes";
import { ResourceClient } from "../../../lib";

describe("routes", () => {
  describe("which route a model's action uses", () => {
    const routes: RouteTable = {
      Task: { index: "GET /lists/:taskListID/tasks", update: "PATCH /lists/:taskListID/tasks/:id" },
      index: "/everything",
      create: "POST /things",
    };

    it("takes the model's own route first", () => {
      expect(routeFor(routes, "Task", "index")).to.equal("GET /lists/:taskListID/tasks");
      expect(routeFor(routes, "Task", "update")).to.equal("PATCH /lists/:taskListID/tasks/:id");
    });

    it("falls back to the flat route of the action (the seed's `routes = { index: \"/lists\" }`)", () => {
      expect(routeFor(routes, "Task", "create")).to.equal("POST /things");
      expect(routeFor(routes, "List", "index")).to.equal("/everything");
    });

    it("falls back to REST defaults from the class name", () => {
      expect(routeFor({}, "Task", "index")).to.equal("/tasks");
      expect(routeFor({}, "Task", "create")).to.equal("/tasks");
      expect(routeFor({}, "Task", "update")).to.equal("/tasks/:id");
      expect(routeFor({}, "Task", "delete")).to.equal("/tasks/:id");
      expect(routeFor({}, "TaskList", "update")).to.equal("/task_lists/:id");
      expect(routeFor({}, "Category", "index")).to.equal("/categories");
    });

    it("prefers the model's `url` to its class name for REST defaults", () => {
      expect(routeFor({}, "Task", "index", "/api/v2/todo-items/")).to.equal("/api/v2/todo-items");
      expect(routeFor({}, "Task", "delete", "/api/v2/todo-items")).to.equal("/api/v2/todo-items/:id");
    });

    it("names collections the Rails way", () => {
      expect(collectionName("Task")).to.equal("tasks");
      expect(collectionName("TaskList")).to.equal("task_lists");
      expect(collectionName("Box")).to.equal("boxes");
      expect(underscore("TaskList")).to.equal("task_list");
      expect(underscore("HTMLPage")).to.equal("html_page");
    });
  });

  describe("verbs and parameters", () => {
    const none = () => undefined;

    it("uses GET, POST, PUT, DELETE for a route written without a verb", () => {
      expect(resolveRoute("/tasks", "index", none).method).to.equal("GET");
      expect(resolveRoute("/tasks", "create", none).method).to.equal("POST");
      expect(resolveRoute("/tasks/:id", "update", () => "1").method).to.equal("PUT");
      expect(resolveRoute("/tasks/:id", "delete", () => "1").method).to.equal("DELETE");
    });

    it("keeps the verb written in the route", () => {
      expect(resolveRoute("patch /tasks/:id", "update", () => "1").method).to.equal("PATCH");
      expect(resolveRoute("POST /tasks/search", "index", none).method).to.equal("POST");
    });

    it("fills every :param and URL-encodes the values", () => {
      const values: Record<string, string> = { taskListID: "a b/c", id: "7" };
      const route = resolveRoute("PUT /lists/:taskListID/tasks/:id", "update", (name) => values[name]);
      expect(route.path).to.equal("/lists/a%20b%2Fc/tasks/7");
      expect(route.params).to.deep.equal(["taskListID", "id"]);
    });

    it("throws naming the route and the parameter when a value is missing", () => {
      const rc = new ResourceClient();
      rc.routes = { Task: { index: "GET /lists/:taskListID/tasks" } };
      expect(() => rc.route("Task", "index", () => undefined)).to.throw(Error, /GET \/lists\/:taskListID\/tasks.*:taskListID/);
      expect(() => resolveRoute("/tasks/:id", "update", () => "")).to.throw(Error, /\/tasks\/:id.*:id/);
    });
  });

  describe("a bad routes table", () => {
    it("throws when assigned, naming the route to fix", () => {
      const rc = new ResourceClient();
      expect(() => (rc.routes = { Task: { index: "FETCH /tasks" } })).to.throw(Error, /routes\.Task\.index/);
      expect(() => (rc.routes = { Task: { index: "GET /a /b" } })).to.throw(Error, /routes\.Task\.index/);
      expect(() => (rc.routes = { Task: { index: 42 } } as unknown as RouteTable)).to.throw(Error, /routes\.Task\.index/);
      expect(() => (rc.routes = { tasks: "/tasks" })).to.throw(Error, /routes\.tasks.*not an action/);
      expect(() => (rc.routes = { Task: null } as unknown as RouteTable)).to.throw(Error, /routes\.Task/);
    });

    it("throws at assignment for a misspelled action in a model's routes, naming it and the actions there are", () => {
      const rc = new ResourceClient();
      const error = (() => {
        try {
          // @ts-expect-error the misspelt action under test (a compile error too)
          rc.routes = { Task: { indx: "GET /todos", create: "POST /todos" } };
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).to.contain("routes.Task.indx");
      expect(error?.message).to.contain("index, create, update, delete, read");
    });

    it("accepts API.md's Google Tasks table and the seed's flat table", () => {
      expect(() => validateRoutes({ index: "/lists" })).not.to.throw();
      expect(() =>
        validateRoutes({ List: { index: "GET /users/@me/lists", create: "POST /users/@me/lists", update: "PUT /users/@me/lists/:id", delete: "DELETE /users/@me/lists/:id" } }),
      ).not.to.throw();
    });
  });
});
