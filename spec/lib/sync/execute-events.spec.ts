import { expect } from "chai";
import * as http from "http";
import { SyncError, type ErrorPayload } from "../../../lib";
import { listen, shutdown } from "../../servers/listen";
import { Todo } from "../models";
import { railsAtmos } from "../rails-atmos";

/**
 * API.md: `error` on every failed request, `auth_fail` on HTTP 401. A custom
 * call (`rc.execute`) is a request too: its failure rejects its Promise and is
 * reported on the Atmos like any other.
 */
describe("execute() failures on the Atmos", () => {
  const app = railsAtmos();
  let errors: ErrorPayload[];

  beforeEach(() => {
    errors = [];
    app.atmos.on("error", (payload) => errors.push(payload));
  });

  const clear = () => app.atmos.resourceClient.execute({ method: "POST", path: "/lists/1/clear", data: {} });

  it("emits error with model and record null, the status and the body, for a 422 and a 500, and rejects with the same error", async () => {
    app.rails.failNext(422, { title: ["can't be blank"] });
    app.rails.failNext(500, "<html><title>boom</title></html>");
    const rejected = [await clear().catch((e) => e), await clear().catch((e) => e)];

    expect(errors.map((e) => [e.model, e.record, e.status, e.type])).to.deep.equal([
      [null, null, 422, "http"],
      [null, null, 500, "http"],
    ]);
    expect(errors[0].body).to.deep.equal({ title: ["can't be blank"] });
    expect(errors[1].body).to.contain("boom");
    expect(errors.map((e) => e.error)).to.deep.equal(rejected);
    expect(rejected[0]).to.be.instanceOf(SyncError);
  });

  it("emits error with status 0 when nothing answers", async () => {
    const gone = http.createServer();
    const url = await listen(gone);
    await shutdown(gone);
    app.atmos.resourceClient.base = url;
    const rejected = await clear().then(() => null, (e: SyncError) => e);
    expect(rejected?.status).to.equal(0);
    expect(errors.map((e) => [e.model, e.record, e.status, e.type])).to.deep.equal([[null, null, 0, "network"]]);
  });

  it("emits error of type config when beforeRequest throws, and rejects with the hook's error", async () => {
    const refused = new Error("no token yet");
    app.atmos.resourceClient.beforeRequest = () => {
      throw refused;
    };
    expect(await clear().catch((e) => e)).to.equal(refused);
    expect(errors.map((e) => [e.model, e.status, e.type, e.error.message])).to.deep.equal([[null, 0, "config", "no token yet"]]);
  });

  it("emits auth_fail on a 401 but does not pause the outbox, and auth_success follows the next accepted request", async () => {
    const authFails: ErrorPayload[] = [];
    let authSuccesses = 0;
    app.atmos.on("auth_fail", (payload) => authFails.push(payload));
    app.atmos.on("auth_success", () => authSuccesses++);
    app.rails.failNext(401, { error: "token expired" });
    await clear().catch(() => undefined);
    expect(authFails.map((e) => [e.model, e.record, e.status])).to.deep.equal([[null, null, 401]]);
    expect(errors).to.have.length(1);

    const todo = new Todo({ title: "still sent" });
    todo.save({ remote: true });
    await app.atmos.whenSynced();
    expect((Todo.find(todo.id) as any).syncState()).to.equal("synced");
    expect(authSuccesses).to.equal(1);
  });

  it("emits auth_success when an execute() is accepted after a 401 (its own, or a pull's)", async () => {
    let authSuccesses = 0;
    app.atmos.on("auth_success", () => authSuccesses++);
    app.rails.failNext(401, { error: "token expired" });
    await clear().catch(() => undefined);
    await app.atmos.resourceClient.execute({ path: "/todos.json" });
    expect(authSuccesses).to.equal(1);
    app.rails.failNext(401, { error: "token expired" });
    await (Todo as any).sync({ remote: true }).catch(() => undefined);
    await app.atmos.resourceClient.execute({ path: "/todos.json" });
    expect(authSuccesses).to.equal(2);
  });

  it("emits offline when an execute() finds no network, and online when the next one is answered", async () => {
    const events: string[] = [];
    app.atmos.on("offline", () => events.push("offline"));
    app.atmos.on("online", () => events.push("online"));
    const base = app.atmos.resourceClient.base;
    const gone = http.createServer();
    app.atmos.resourceClient.base = await listen(gone);
    await shutdown(gone);
    await clear().catch(() => undefined);
    expect(app.atmos.status().online).to.equal(false);
    app.atmos.resourceClient.base = base;
    await app.atmos.resourceClient.execute({ path: "/todos.json" });
    expect(events).to.deep.equal(["offline", "online"]);
    expect(app.atmos.status().online).to.equal(true);
  });

  it("emits nothing for a call that succeeds", async () => {
    await app.atmos.resourceClient.execute({ path: "/todos.json" });
    expect(errors).to.deep.equal([]);
  });
});
