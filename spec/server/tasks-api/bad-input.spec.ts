import { expect } from "chai";
import * as net from "net";
import * as zlib from "zlib";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";

describe("tasks API: bad input", () => {
  let server: TasksTestServer;
  let api: ReturnType<typeof tasksClient>;
  let listId: string;

  beforeEach(async () => {
    server = await startTasksTestServer({ maxBodyBytes: 10_000 });
    api = tasksClient(server);
    listId = (await api.createList()).id;
  });
  afterEach(() => server.close({ removeFile: true }));

  it("answers malformed JSON with a 400 Google error body", async () => {
    const answer = await api.call("POST", `/lists/${listId}/tasks`, '{"title": "Milk"');
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.include({ code: 400, status: "INVALID_ARGUMENT" });
    expect(answer.body.error.message).to.contain("Invalid JSON");
  });

  it("tells a client that sent a form or HTML instead of JSON which Content-Type to send", async () => {
    const form = await api.call("POST", "/users/@me/lists", "title=Home", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(form.status).to.equal(400);
    expect(form.body.error.message).to.contain("Invalid JSON").and.to.contain('sent as "application/x-www-form-urlencoded"').and.to.contain("Content-Type: application/json");
    const html = await api.call("POST", "/users/@me/lists", "<p>Home</p>", { "Content-Type": "text/html; charset=utf-8" });
    expect(html.body.error.message).to.contain('sent as "text/html; charset=utf-8"');
    // Sent as JSON, the complaint is about the JSON alone.
    const broken = await api.call("POST", "/users/@me/lists", "{title: 1}");
    expect(broken.body.error.message).to.contain("Invalid JSON").and.not.to.contain("sent as");
  });

  it("refuses a compressed body with 415 naming its Content-Encoding, instead of reading the bytes as JSON", async () => {
    const res = await fetch(`${server.base}/users/@me/lists`, {
      method: "POST",
      headers: server.headers({ "Content-Type": "application/json", "Content-Encoding": "gzip" }),
      body: zlib.gzipSync(JSON.stringify({ title: "Home" })),
    });
    expect(res.status).to.equal(415);
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).to.equal(415);
    expect(body.error.message).to.contain('"Content-Encoding: gzip"').and.to.contain("uncompressed");
    // "identity" is no encoding at all.
    const plain = await api.call("POST", "/users/@me/lists", { title: "Home" }, { "Content-Encoding": "identity" });
    expect(plain.status).to.equal(200);
  });

  it("refuses a body that is not a JSON object", async () => {
    for (const body of ["[]", "42", '"text"', "null"]) {
      const answer = await api.call("POST", `/lists/${listId}/tasks`, body);
      expect(answer.status, body).to.equal(400);
      expect(answer.body.error.message).to.contain("object");
    }
  });

  // Found by an attack review: a 1 MiB body of "[[[[…" took JSON.parse about
  // 450 ms, and four such requests in a loop slowed everyone's answers from
  // 15 ms to over 500 ms. /live refused such frames before parsing; the API did not.
  it("refuses a body nested deeper than any task, naming the limit, before parsing it", async () => {
    const answer = await api.call("POST", `/lists/${listId}/tasks`, "[".repeat(5000) + "]".repeat(5000));
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.match(/nests objects or arrays deeper than 64 levels/);
    const task = await api.call("POST", `/lists/${listId}/tasks`, { title: "Milk", notes: "[[[[ in a string is no nesting ]]]]", links: [{ type: "email", link: "x" }] });
    expect(task.status, "an ordinary task").to.equal(200);
  });

  it("names the field that has the wrong type", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 5 }, "title"],
      [{ notes: ["a"] }, "notes"],
      [{ status: "done" }, "status"],
      [{ due: "tomorrow" }, "due"],
      [{ due: 1714521600000 }, "due"],
      [{ completed: "2024-13-45T99:00:00Z" }, "completed"],
      [{ deleted: "yes" }, "deleted"],
    ];
    for (const [body, field] of cases) {
      const answer = await api.call("POST", `/lists/${listId}/tasks`, body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body.error.message, JSON.stringify(body)).to.contain(`"${field}"`);
    }
    expect((await api.call("GET", `/lists/${listId}/tasks`)).body).not.to.have.property("items");
  });

  it("refuses a title longer than Google allows", async () => {
    const answer = await api.call("POST", `/lists/${listId}/tasks`, { title: "x".repeat(1025) });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.message).to.contain("1024");
  });

  it("answers 413 for a body over the size limit, and keeps serving", async () => {
    const answer = await api.call("POST", `/lists/${listId}/tasks`, { title: "x", notes: "n".repeat(20_000) });
    expect(answer.status).to.equal(413);
    expect(answer.body.error.code).to.equal(413);
    expect((await api.call("GET", `/lists/${listId}/tasks`)).status).to.equal(200);
  });

  it("answers 401 with a Google error body when the token is missing or wrong", async () => {
    const missing = await api.call("GET", "/users/@me/lists", undefined, { Authorization: "" });
    expect(missing.status).to.equal(401);
    expect(missing.body.error).to.include({ code: 401, status: "UNAUTHENTICATED" });
    expect(missing.headers.get("www-authenticate")).to.match(/^Bearer/);

    const wrong = await api.call("POST", "/users/@me/lists", { title: "x" }, { Authorization: "Bearer nope" });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.error.errors[0].reason).to.equal("authError");
    expect(server.changes.filter((c) => c.type === "created" && c.collection === "lists")).to.have.length(1);
  });

  it("accepts the token as an access_token query parameter, as Google does", async () => {
    const answer = await api.call("GET", `/users/@me/lists?access_token=${server.token}`, undefined, { Authorization: "" });
    expect(answer.status).to.equal(200);
  });

  it("answers 404 for an unknown endpoint and 405 for a method an endpoint lacks", async () => {
    const unknown = await api.call("GET", "/users/@me/calendars");
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal(404);
    const method = await api.call("DELETE", `/lists/${listId}/tasks`);
    expect(method.status).to.equal(405);
    expect(method.body.error.message).to.contain("GET, HEAD, POST");
    expect(method.headers.get("allow")).to.equal("GET, HEAD, POST");
  });

  // Found by an attack from outside: a 15,000-character id came back twice
  // over in a 30 KB answer; a message names what to fix, not the whole input.
  it("answers an unknown id or path with a short message, not the whole id back", async () => {
    const long = "x".repeat(15_000);
    for (const path of [`/lists/${long}/tasks`, `/lists/${listId}/tasks/${long}`, `/users/@me/lists/${long}`, `/${long}`]) {
      const answer = await api.call("GET", path);
      expect(answer.status, path.slice(0, 40)).to.equal(404);
      const message: string = answer.body.error.message;
      expect(message.length, message.slice(0, 120)).to.be.below(300);
      expect(message).to.match(/… \(150\d\d characters\)/);
    }
    const short = await api.call("GET", `/lists/${listId}/tasks/nope`);
    expect(short.body.error.message).to.equal('Task "nope" not found.');
  });

  it("survives a bad percent-encoding in the path", async () => {
    const answer = await api.call("GET", "/lists/%E0%A4%A/tasks");
    expect(answer.status).to.equal(400);
    expect((await api.call("GET", "/users/@me/lists")).status).to.equal(200);
  });

  /** Writes raw bytes, then hangs up once the server answers or after the first reply byte. */
  function rawExchange(bytes: string, hangUpAfterWrite: boolean): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1", () => {
        socket.write(bytes);
        if (hangUpAfterWrite) socket.destroy();
      });
      let reply = "";
      socket.on("data", (d) => {
        reply += String(d);
        socket.destroy();
      });
      socket.on("close", () => resolve(reply));
      socket.on("error", () => resolve(reply));
    });
  }

  it("keeps serving, with nothing created, when a client hangs up in the middle of a body", async () => {
    await rawExchange(
      `POST /tasks/v1/lists/${listId}/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"title": "half`,
      true,
    );
    expect((await api.call("GET", `/lists/${listId}/tasks`)).body).not.to.have.property("items");
  });

  it("keeps serving after a request target that is not a valid URL", async () => {
    const reply = await rawExchange("GET http://[bad/tasks/v1 HTTP/1.1\r\nHost: x\r\n\r\n", false);
    expect(reply).to.match(/^HTTP\/1\.1 4\d\d/);
    expect((await api.call("GET", "/users/@me/lists")).status).to.equal(200);
  });

  it("leaves other paths to the host server", async () => {
    const res = await fetch(`${server.url}/tasks/v10/users/@me/lists`);
    expect(res.status).to.equal(404);
    expect(await res.text()).to.contain("Not found");
  });
});
