import { expect } from "chai";
import { startJsonServer, type JsonServer } from "../../servers/json-server";
import { resetModels, Todo } from "../models";
import { openPage, recordEvents, type OfflinePage } from "./offline-page";

/**
 * Found by an outside review written from API.md: on a server whose records
 * carry no version (no etag, no updated time: json-server, the README's
 * third setup), a pull kept the user's unsent edit but also kept the old
 * values of the fields another device had changed, with no conflict event,
 * and the edit's update (the whole record) then put them back on the
 * server: the other device's change was lost. A pull reads the server's
 * current version, so where no version tells, the fields do.
 */
describe("a pull on a server without versions (json-server), under an unsent edit", () => {
  let server: JsonServer;
  let page: OfflinePage;
  let id: string;

  beforeEach(async () => {
    resetModels();
    server = await startJsonServer(false);
    page = openPage({ base: server.url });
    const made = await (await fetch(`${server.url}/todos`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ title: "Milk", done: false }) })).json();
    id = String(made.id);
    await Todo.sync({ remote: true });
  });
  afterEach(async () => {
    page?.close();
    await server?.stop();
  });

  /** Another device changes the todo on the server. */
  const elsewhere = (attrs: object) => fetch(`${server.url}/todos/${id}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(attrs) });
  const row = async () => (await server.rows()).find((r) => String(r.id) === id);

  it("keeps the user's field, takes the other device's, and sends both", async () => {
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await elsewhere({ done: true });
    await Todo.sync({ remote: true });

    const todo = Todo.find(id) as Todo;
    expect([todo.title, todo.done]).to.deep.equal(["Oat milk", true]);
    await page.atmos.push();
    const saved = await row();
    expect([saved.title, saved.done], "on the server").to.deep.equal(["Oat milk", true]);
  });

  it("emits one conflict event naming the versions", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await elsewhere({ title: "Cow milk", done: true });
    await Todo.sync({ remote: true });

    expect(conflicts).to.have.length(1);
    const event = conflicts[0] as any;
    expect(event.local).to.include({ title: "Oat milk", done: false });
    expect(event.remote).to.include({ title: "Cow milk", done: true });
    expect(event.merged).to.include({ title: "Oat milk", done: true });
    expect(event.base).to.include({ title: "Milk", done: false });
  });

  it("emits no conflict, and sends the edit alone, when nobody else changed the record", async () => {
    const conflicts = recordEvents(page.atmos, "conflict");
    (Todo.find(id) as Todo).updateAttributes({ title: "Oat milk" });
    await Todo.sync({ remote: true });

    expect(conflicts).to.deep.equal([]);
    expect((Todo.find(id) as Todo).title).to.equal("Oat milk");
    await page.atmos.push();
    expect((await row()).title).to.equal("Oat milk");
  });
});
