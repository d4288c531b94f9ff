import { expect } from "chai";
import * as http from "http";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { listen, shutdown } from "../../servers/listen";
import { googleRoutes, models, resetModels, Task } from "../models";

/**
 * Google Tasks leaves a field out of a task when it is empty ("notes",
 * "due", "completed", "parent"): a due date cleared on the phone comes back
 * as a task without "due". An answer merges into the record (fields it
 * lacks are kept: Google's task has no taskListID), so the old due date
 * stayed on the page, and the next edit sent it back to Google. The app says
 * what a missing field means in `Task.fromRemote`, which shapes every record
 * from the server: a pulled page, a save's answer, a live change.
 */
describe("Model.fromRemote shapes every record the server sends", () => {
  let server: http.Server;
  let atmos: Atmos;
  /** The server's copy of task T1, as Google sends it: empty fields left out. */
  let stored: Record<string, unknown>;
  const sent: Array<Record<string, unknown>> = [];
  const googleFields = ["notes", "due", "completed", "parent"];
  /** The optional fields the server keeps from a PUT's body. */
  let kept: string[];

  beforeEach(async () => {
    resetModels();
    sent.length = 0;
    kept = googleFields;
    stored = { kind: "tasks#task", id: "T1", title: "milk", status: "needsAction", due: "2026-12-24T00:00:00.000Z" };
    server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        if (req.method === "PUT") {
          const body = JSON.parse(text);
          sent.push(body);
          stored = { kind: "tasks#task", id: "T1", title: body.title, status: body.status };
          for (const field of kept) if (body[field] != null) stored[field] = body[field];
        }
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(req.method === "GET" ? { kind: "tasks#tasks", items: [stored] } : stored));
      });
    });
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = await listen(server);
    atmos.resourceClient.routes = googleRoutes;
    (Task as any).fromRemote = (attrs: Record<string, unknown>) => {
      const filled = { ...attrs };
      if (attrs.kind === "tasks#task") for (const field of googleFields) if (!(field in attrs)) filled[field] = null;
      return filled;
    };
  });
  afterEach(async () => {
    delete (Task as any).fromRemote;
    atmos.close();
    await shutdown(server);
  });

  const pull = () => Task.sync({ remote: true, pathParams: { taskListID: "L1" } });
  const milk = () => Task.find("T1") as Task & { due?: string | null };

  it("a due date cleared on another device is cleared here by the next pull", async () => {
    await pull();
    expect(milk().due).to.equal("2026-12-24T00:00:00.000Z");
    delete stored.due; // cleared on the phone: Google leaves it out

    await pull();
    expect(milk().due).to.equal(null);
    const task = milk();
    task.title = "oat milk";
    await new Promise<void>((resolve, reject) => task.save({ remote: true, success: () => resolve(), error: (_r: unknown, e: any) => reject(e.error) }));
    expect(sent[0]).to.include({ title: "oat milk", due: null });
    expect(stored).to.not.have.property("due");
  });

  it("a save's answer goes through it too: a field the server dropped is not kept from the local record", async () => {
    await pull();
    const task = milk();
    task.notes = "2 litres";
    // The server keeps no notes (it trims them away, say): its answer has none.
    kept = googleFields.filter((field) => field !== "notes");
    await new Promise<void>((resolve, reject) => task.save({ remote: true, success: () => resolve(), error: (_r: unknown, e: any) => reject(e.error) }));
    expect(sent[0]).to.include({ notes: "2 litres" });
    expect((Task.find("T1") as Task).notes).to.equal(null);
    expect(task.syncState()).to.equal("synced");
  });

  it("a fromRemote that changes the record in place and returns nothing keeps the record's attributes", async () => {
    (Task as any).fromRemote = (attrs: Record<string, unknown>) => {
      attrs.title = String(attrs.title).toUpperCase();
    };
    await pull();
    expect([milk().title, milk().due]).to.deep.equal(["MILK", "2026-12-24T00:00:00.000Z"]);
  });

  it("a fromRemote that returns something other than attributes fails the pull, naming it, and stores nothing", async () => {
    (Task as any).fromRemote = () => "milk";
    const error = await pull().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/Task\.fromRemote.*object.*"milk"/);
    expect(Task.all()).to.have.length(0);
  });

  it("a fromRemote that fails on a save's answer fails the save with its message, and the edit stays", async () => {
    await pull();
    (Task as any).fromRemote = () => 5;
    const task = milk();
    task.title = "oat milk";
    const error = await new Promise<Error>((resolve) => task.save({ remote: true, success: () => resolve(new Error("saved")), error: (_r: unknown, e: any) => resolve(e.error) }));
    expect(error.message).to.match(/Task\.fromRemote must return the attributes to store.*5/);
    expect((Task.find("T1") as Task).title).to.equal("oat milk");
    expect(task.syncState()).to.equal("failed");
  });
});
