import { expect } from "chai";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

/** Issue 13, item 4: bad input is refused, not rewritten; every timestamp answered is RFC 3339. */
describe("tasks API: input is refused, not rewritten", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;
  const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  beforeEach(async () => {
    server = await startTasksTestServer();
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  it("refuses dates that do not exist, naming the field, and stores nothing", async () => {
    const cases: Array<[string, string]> = [
      ["2024-02-30T00:00:00.000Z", "February 2024 has no day 30"],
      ["2023-02-29T00:00:00Z", "February 2023 has no day 29"],
      ["2024-04-31T10:00:00Z", "April 2024 has no day 31"],
      ["2024-13-01T00:00:00Z", "no month 13"],
      ["2024-00-10T00:00:00Z", "no month 00"],
      ["2024-05-00T00:00:00Z", "May 2024 has no day 00"],
      // Google Tasks refuses a date without a time ("Request contains an invalid argument").
      ["2024-05-01", "a date alone is not an RFC 3339 timestamp"],
      ["2024-05-01T24:00:00Z", "not a time of day"],
      ["2024-05-01T23:60:00Z", "not a time of day"],
      ["2024-05-01T23:59:60Z", "not a time of day"],
      ["2024-05-01T10:00:00+24:00", "not a UTC offset"],
    ];
    for (const [due, problem] of cases) {
      const answer = await api.call("POST", `/lists/${listId}/tasks`, { title: "x", due });
      expect(answer.status, due).to.equal(400);
      expect(answer.body.error.message, due).to.contain('"due"').and.contain(problem);
      expect(answer.body.error.errors[0].location, due).to.equal("due");
    }
    expect((await api.call("GET", `/lists/${listId}/tasks`)).body).not.to.have.property("items");
  });

  it("refuses years outside 0001–9999, also when an offset carries the time across", async () => {
    for (const value of ["0000-06-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "10000-01-01T00:00:00Z", "+010000-01-01T00:00:00Z", "-000001-12-31T23:00:00Z"]) {
      const answer = await api.call("POST", `/lists/${listId}/tasks`, { title: "x", completed: value, status: "completed" });
      expect(answer.status, value).to.equal(400);
      expect(answer.body.error.message, value).to.contain('"completed"');
    }
  });

  it("accepts the extremes of the range and leap days, and answers them in RFC 3339", async () => {
    const cases: Array<[string, string]> = [
      ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
      ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
      ["2024-02-29T12:00:00+02:00", "2024-02-29T10:00:00.000Z"],
      ["2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"],
      ["2024-05-01t10:00:00.123456z", "2024-05-01T10:00:00.123Z"],
    ];
    for (const [completed, stored] of cases) {
      const task = (await api.call("POST", `/lists/${listId}/tasks`, { title: "x", status: "completed", completed, due: completed })).body;
      expect(task.completed, completed).to.equal(stored);
      for (const field of ["updated", "completed", "due"]) expect(task[field], `${completed} ${field}`).to.match(RFC3339);
    }
  });

  it("refuses impossible times in query parameters, naming the parameter", async () => {
    const answer = await api.call("GET", `/lists/${listId}/tasks?updatedMin=2024-02-30T00:00:00Z`);
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.contain('"updatedMin"');
    expect(answer.body.error.errors[0].location).to.equal("updatedMin");
  });

  it("refuses text with a lone UTF-16 surrogate instead of storing U+FFFD", async () => {
    for (const [field, raw] of [["title", "\\ud83d"], ["notes", "a\\ude00b"], ["title", "\\ude00\\ud83d"]]) {
      const answer = await api.call("POST", `/lists/${listId}/tasks`, `{"${field}": "${raw}"}`);
      expect(answer.status, raw).to.equal(400);
      expect(answer.body.error.message, raw).to.contain(`"${field}"`).and.contain("surrogate");
    }
    const list = await api.call("POST", "/users/@me/lists", '{"title": "x\\udbff"}');
    expect(list.status).to.equal(400);
    expect(list.body.error.message).to.contain('"title"');
    expect((await api.call("GET", `/lists/${listId}/tasks`)).body).not.to.have.property("items");
    // A well-formed pair (an emoji) is kept as sent.
    const fine = await api.call("POST", `/lists/${listId}/tasks`, '{"title": "Cake \\ud83c\\udf82"}');
    expect(fine.body.title).to.equal("Cake 🎂");
  });

  it("refuses a body that is not UTF-8", async () => {
    const res = await fetch(`${server.base}/lists/${listId}/tasks`, {
      method: "POST",
      headers: server.headers(),
      body: Buffer.concat([Buffer.from('{"title": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
    });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).to.contain("UTF-8");
  });

  it("answers HEAD wherever GET is answered: same status and headers, no body", async () => {
    const task = await api.createTask(listId);
    for (const path of ["/users/@me/lists", `/users/@me/lists/${listId}`, `/lists/${listId}/tasks`, `/lists/${listId}/tasks/${task.id}`, "/lists/nope/tasks"]) {
      const get = await fetch(`${server.base}${path}`, { headers: server.headers() });
      const head = await fetch(`${server.base}${path}`, { method: "HEAD", headers: server.headers() });
      expect(head.status, path).to.equal(get.status);
      expect(head.headers.get("content-length"), path).to.equal(String((await get.arrayBuffer()).byteLength));
      expect(head.headers.get("etag"), path).to.equal(get.headers.get("etag"));
      expect(await head.text(), path).to.equal("");
    }
    expect((await fetch(`${server.base}/users/@me/lists`, { method: "HEAD" })).status).to.equal(401);
  });

  it("builds selfLinks from the Host only: forwarded headers are ignored without trustProxy", async () => {
    const answer = await api.call("POST", "/users/@me/lists", { title: "x" }, { "X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "evil.example" });
    expect(answer.body.selfLink).to.equal(`${server.base}/users/@me/lists/${answer.body.id}`);
  });
});

describe("tasks API behind a proxy (trustProxy)", () => {
  let server: TasksTestServer;
  afterEach(() => server.close({ removeFile: true }));

  it("follows X-Forwarded-Host/-Proto, but a selfLink is always http(s) and a well-formed host", async () => {
    server = await startTasksTestServer({ trustProxy: true });
    const api = tasksClient(server);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ "X-Forwarded-Proto": "https", "X-Forwarded-Host": "tasks.example.org" }, /^https:\/\/tasks\.example\.org\/tasks\/v1\//],
      [{ "X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "tasks.example.org" }, /^http:\/\/tasks\.example\.org\/tasks\/v1\//],
      [{ "X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "a.example, b.example" }, /^https:\/\/a\.example\/tasks\/v1\//],
      [{ "X-Forwarded-Host": "x/y@evil.example" }, /^http:\/\/127\.0\.0\.1:\d+\/tasks\/v1\//],
      [{ "X-Forwarded-Host": "alert(1)//" }, /^http:\/\/127\.0\.0\.1:\d+\/tasks\/v1\//],
    ];
    for (const [headers, link] of cases) {
      const answer = await api.call("POST", "/users/@me/lists", { title: "x" }, headers);
      expect(answer.body.selfLink, JSON.stringify(headers)).to.match(link);
    }
  });

  it("uses publicUrl for selfLinks whatever the headers say", async () => {
    server = await startTasksTestServer({ publicUrl: "https://tasks.example.org", trustProxy: true });
    const answer = await tasksClient(server).call("POST", "/users/@me/lists", { title: "x" }, { "X-Forwarded-Host": "other.example" });
    expect(answer.body.selfLink).to.match(/^https:\/\/tasks\.example\.org\/tasks\/v1\/users\/@me\/lists\//);
  });
});
