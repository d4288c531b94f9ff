import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: pagination", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  async function createTasks(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await api.createTask(listId, { title: `t${i}` })).id);
    return ids;
  }

  it("gives 20 tasks per page by default, with a nextPageToken while more remain", async () => {
    await createTasks(25);
    const first = await api.call("GET", `/lists/${listId}/tasks`);
    expect(first.body.items).to.have.length(20);
    expect(first.body.nextPageToken).to.be.a("string");
    const second = await api.call("GET", `/lists/${listId}/tasks?pageToken=${first.body.nextPageToken}`);
    expect(second.body.items).to.have.length(5);
    expect(second.body).not.to.have.property("nextPageToken");
  });

  it("walks every page of maxResults=7 with no gaps and no duplicates", async () => {
    const ids = await createTasks(30);
    const seen = (await api.all(`/lists/${listId}/tasks?maxResults=7`)).map((t) => t.id);
    expect(seen).to.have.length(30);
    expect(new Set(seen).size).to.equal(30);
    expect([...seen].sort()).to.deep.equal([...ids].sort());
  });

  it("neither skips nor repeats a task when tasks are deleted and added between pages", async () => {
    const ids = await createTasks(10);
    const first = await api.call("GET", `/lists/${listId}/tasks?maxResults=4`);
    const firstIds = first.body.items.map((t: { id: string }) => t.id);
    await api.call("DELETE", `/lists/${listId}/tasks/${firstIds[0]}`); // already sent
    const added = await api.createTask(listId, { title: "late" });
    let token = first.body.nextPageToken;
    const rest: string[] = [];
    while (token) {
      const page = await api.call("GET", `/lists/${listId}/tasks?maxResults=4&pageToken=${token}`);
      rest.push(...page.body.items.map((t: { id: string }) => t.id));
      token = page.body.nextPageToken;
    }
    expect([...firstIds, ...rest]).to.deep.equal([...ids, added.id]);
  });

  it("caps maxResults at Google's 100 for tasks", async () => {
    await createTasks(101);
    const page = await api.call("GET", `/lists/${listId}/tasks?maxResults=500`);
    expect(page.body.items).to.have.length(100);
    expect(page.body.nextPageToken).to.be.a("string");
  });

  it("pages task lists too", async () => {
    for (let i = 0; i < 4; i++) await api.createList(`L${i}`);
    const lists = await api.all("/users/@me/lists?maxResults=2");
    expect(lists.map((l) => l.title)).to.deep.equal(["Groceries", "L0", "L1", "L2", "L3"]);
  });

  it("refuses a bad maxResults or a page token it did not issue, naming the parameter", async () => {
    for (const bad of ["0", "-3", "ten", "1.5"]) {
      const answer = await api.call("GET", `/lists/${listId}/tasks?maxResults=${bad}`);
      expect(answer.status, bad).to.equal(400);
      expect(answer.body.error.message).to.contain("maxResults");
    }
    const token = await api.call("GET", `/lists/${listId}/tasks?pageToken=garbage`);
    expect(token.status).to.equal(400);
    expect(token.body.error.message).to.contain("pageToken");
  });

  // Found by an attack review in multi-user mode: a page token was the
  // base64 of a row number counted over every account, so two of one's own
  // tokens told how many tasks the others made in between; and a token of
  // one list, used on another, answered 200 with no items.
  it("gives page tokens that tell nothing of other rows, and refuses one used on another list", async () => {
    await createTasks(3);
    const other = (await api.createList("Other")).id;
    for (let i = 0; i < 3; i++) await api.createTask(other, { title: `o${i}` });
    const first = await api.call("GET", `/lists/${listId}/tasks?maxResults=1`);
    const token = first.body.nextPageToken as string;
    // The id of the page's last task: nothing counted over rows.
    expect(token).to.equal(first.body.items[0].id);
    const elsewhere = await api.call("GET", `/lists/${other}/tasks?maxResults=1&pageToken=${token}`);
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.body.error.message).to.contain("pageToken").and.contain("this list");
    const next = await api.call("GET", `/lists/${listId}/tasks?maxResults=1&pageToken=${token}`);
    expect(next.body.items.map((t: { title: string }) => t.title)).to.deep.equal(["t1"]);
  });
});
