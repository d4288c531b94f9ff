import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

/**
 * Found by an attacker's review: a signed-in client's write of just under
 * 1 MiB of tiny values ([{},{},…]) held the server's one thread for about
 * half a second in JSON.parse, every request. The largest task the API
 * keeps, every character escaped, is about 60 kB; a body is now refused past
 * 256 KiB, before it is parsed.
 */
describe("tasks API: the size of a request body", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  /** JSON text of `text` with every character written as a \\u escape, the longest way to send it. */
  const escaped = (text: string) => `"${[...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`;

  it("takes the largest task the API keeps, with every character escaped", async () => {
    const body = `{"title": ${escaped("t".repeat(1024))}, "notes": ${escaped("n".repeat(8192))}, "status": "needsAction"}`;
    expect(body.length).to.be.above(55_000);
    const answer = await api.call("POST", `/lists/${listId}/tasks`, body);
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(200);
    expect(answer.body.notes).to.have.length(8192);
  });

  it("refuses a body past 256 KiB with 413, naming the limit", async () => {
    const body = `{"title": "many", "links": [${Array(90_000).fill("{}").join(",")}]}`;
    expect(body.length).to.be.above(262_144);
    const answer = await api.call("POST", `/lists/${listId}/tasks`, body);
    expect(answer.status).to.equal(413);
    expect(answer.body.error.message).to.equal("Request body is larger than the 262144 bytes this server accepts.");
  });
});
