import { expect } from "chai";
import { tasksClient } from "../../servers/tasks-client";
import { List, Project, Task } from "../models";
import { jsonServerPage, recordEvents, tasksApiPage } from "../offline/offline-page";

/**
 * Found by a new user following the README's json-server setup: the first
 * thing `Task.sync({ remote: true }).catch(...)` printed for a collection
 * db.json did not have was "answered 404: HTTP 404", with no hint, while the
 * create's 404 said where to look. A pull answered 404 says it too: a parent
 * named in its path that may be gone, else the base and the routes.
 */
describe("a pull the server answers 404", () => {
  describe("on json-server, a collection db.json does not have", () => {
    const fixture = jsonServerPage();

    it("rejects saying to check the base and the routes, and the error event says the same", async () => {
      const errors = recordEvents(fixture.page.atmos, "error");
      const error = await Project.sync({ remote: true }).then(() => null, (e: Error) => e);
      expect(error?.message).to.match(/^Project GET \S+\/projects answered 404: .*; the server has nothing at this address to read Project records from: check resourceClient\.base and the routes \(Project's index route\)$/);
      expect(errors.map((e) => [e.status, e.error.message])).to.deep.equal([[404, error?.message]]);
    });
  });

  describe("on the Google-compatible API, the tasks of a list deleted elsewhere", () => {
    const fixture = tasksApiPage();

    it("rejects naming the list that may be gone", async () => {
      const client = tasksClient(fixture.server);
      const list = await client.createList("Groceries");
      await List.sync({ remote: true });
      expect((await client.call("DELETE", `/users/@me/lists/${list.id}`)).status).to.equal(204);
      const error = await Task.sync({ remote: true, pathParams: { taskListID: list.id } }).then(() => null, (e: Error) => e);
      expect(error?.message).to.match(new RegExp(`^Task GET \\S+ answered 404: .*; the server may have no List "${list.id}" \\(taskListID\\) any more \\(deleted elsewhere\\?\\); else check resourceClient\\.base and the routes \\(Task's index route\\)$`));
    });
  });
});
