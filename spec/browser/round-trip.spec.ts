import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";

// The bundled Google-Tasks-compatible API is mounted by karma.conf.js on the
// same origin, so this is a real round trip through the browser's fetch.
class TaskList extends Spine.Model {
  declare title: string;
}
TaskList.configure("TaskList", "title", "etag", "updated", "kind", "selfLink");
TaskList.extend((Spine.Model as any).Atmosphere);

function configure(atmos: Atmos): void {
  const rc = atmos.resourceClient;
  rc.base = `${location.origin}/tasks/v1`;
  rc.routes = {
    TaskList: {
      index: "GET /users/@me/lists",
      create: "POST /users/@me/lists",
      update: "PUT /users/@me/lists/:id",
      delete: "DELETE /users/@me/lists/:id",
    },
  };
  rc.addHeader("Authorization", "Bearer browser-token");
  rc.itemsFromResult = (result) => result.items ?? [];
}

describe("a full remote round trip in the browser", () => {
  let atmos: Atmos;

  beforeEach(() => {
    localStorage.clear();
    TaskList.deleteAll();
    atmos = new Atmos();
    configure(atmos);
  });
  afterEach(() => atmos.close());

  it("creates on the server, takes the server's id, and a reloaded page updates it with PUT", async () => {
    const list = new TaskList({ title: "Groceries" });
    list.save({ remote: true });
    const localId = list.id;
    await atmos.whenSynced();
    const saved = TaskList.all()[0] as any;
    expect(saved.id).to.not.equal(localId);
    expect(saved.syncState()).to.equal("synced");

    atmos.close();
    TaskList.deleteAll();
    atmos = new Atmos();
    configure(atmos);
    await (TaskList as any).sync();
    const again = TaskList.find(saved.id) as any;
    again.title = "Groceries & more";
    again.save({ remote: true });
    await atmos.whenSynced();

    const answer = await fetch(`/tasks/v1/users/@me/lists/${saved.id}`, { headers: { Authorization: "Bearer browser-token" } });
    expect((await answer.json()).title).to.equal("Groceries & more");
    const lists = await fetch(`/tasks/v1/users/@me/lists`, { headers: { Authorization: "Bearer browser-token" } });
    const titles = ((await lists.json()).items ?? []).map((l: any) => l.title);
    expect(titles.filter((t: string) => t.startsWith("Groceries"))).to.deep.equal(["Groceries & more"]);
  });

  it("pulls the server's lists with sync({ remote: true })", async () => {
    await fetch(`/tasks/v1/users/@me/lists`, {
      method: "POST",
      headers: { Authorization: "Bearer browser-token", "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Made elsewhere" }),
    });
    const records = (await (TaskList as any).sync({ remote: true })) as any[];
    expect(records.map((r) => r.title)).to.include("Made elsewhere");
    expect(TaskList.all().map((r: any) => r.title)).to.include("Made elsewhere");
  });
});
