import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";
import { liveHostOf } from "../../lib/live/live-apply";
import { MemoryStorage } from "../fakes/memory-storage";
import { List, Task, Todo, resetModels } from "./models";

/** The Atmos instance as the live client's host: how a live change reaches Spine. */
describe("live changes applied to an Atmos instance (atmos2/live)", () => {
  let atmos: Atmos;
  let requests: string[];

  beforeEach(() => {
    resetModels();
    requests = [];
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = "http://127.0.0.1:9";
    // Any request at all would be an echo of a live change: record it.
    atmos.resourceClient.fetch = async (url, init) => {
      requests.push(`${init.method} ${url}`);
      return new Response("{}", { status: 500 });
    };
  });
  afterEach(() => {
    delete (Task as any).fromRemote;
    atmos.close();
  });

  it("creates a record announced as created, with Spine's create event, under the collection's name", async () => {
    const created: string[] = [];
    const onCreate = (record: any) => created.push(record.title);
    List.bind("create", onCreate);
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "L1", attrs: { id: "L1", title: "From elsewhere" } });
    List.unbind("create", onCreate);
    expect(created).to.deep.equal(["From elsewhere"]);
    expect((List.find("L1") as any).syncState()).to.equal("synced");
    expect(requests).to.deep.equal([]);
  });

  // Found by a review against API.md ("applied to local records with Spine
  // events"): a live update fired update and change, but not the save that
  // Spine's own update fires, so an app listening to save missed it.
  it("fires the events Spine fires for the same create, update and destroy", async () => {
    const names = ["create", "update", "destroy", "change", "save"];
    const heardOn = (model: any, act: () => Promise<unknown>) => async () => {
      const heard: string[] = [];
      const listeners = names.map((event) => [event, (record: any) => heard.push(`${event} ${record.title}`)] as const);
      for (const [event, fn] of listeners) model.bind(event, fn);
      try {
        await act();
      } finally {
        for (const [event, fn] of listeners) model.unbind(event, fn);
      }
      return heard;
    };
    // Spine's own, on a model it alone keeps.
    class PlainList extends Spine.Model {}
    PlainList.configure("PlainList", "title");
    const bySpine = await heardOn(PlainList, async () => {
      const made = PlainList.create({ id: "E1", title: "v1" }) as any;
      made.updateAttributes({ title: "v2" });
      made.destroy();
    })();
    const host = liveHostOf(atmos);
    const byLive = await heardOn(List, async () => {
      await host.applyLiveChange({ type: "created", collection: "lists", id: "E1", attrs: { id: "E1", title: "v1" } });
      await host.applyLiveChange({ type: "updated", collection: "lists", id: "E1", attrs: { id: "E1", title: "v2" } });
      await host.applyLiveChange({ type: "deleted", collection: "lists", id: "E1", attrs: { id: "E1", title: "v2" } });
    })();
    expect(bySpine, "Spine's own").to.deep.equal(["create v1", "change v1", "save v1", "update v2", "change v2", "save v2", "destroy v2", "change v2"]);
    expect(byLive).to.deep.equal(bySpine);
    expect(requests).to.deep.equal([]);
  });

  it("also finds the model by its class name", async () => {
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "List", id: "L2", attrs: { title: "By class name" } });
    expect(List.find("L2").title).to.equal("By class name");
  });

  // Found by a new user: such a change was dropped without a word (live:change still fired).
  it("refuses a change whose collection names no model, naming it and every name each model answers to, once per collection", async () => {
    const host = liveHostOf(atmos);
    const first = await host.applyLiveChange({ type: "updated", collection: "Tasks", id: "5", attrs: { title: "x" } }).then(() => null, (e: Error) => e);
    expect(first?.message).to.match(/^live: no model for collection "Tasks" \(known: .*"Task" or "tasks".*\); set Model\.collection, or the server's collection name; its changes are not applied$/);
    // The class name too: a person who wrote "Tasks" meant the class as often as the REST name.
    expect(first?.message).to.include('"List" or "lists"');
    // Said once: a channel may carry collections this page has no model of.
    await host.applyLiveChange({ type: "updated", collection: "Tasks", id: "6", attrs: { title: "y" } });
    const other = await host.applyLiveChange({ type: "created", collection: "comments", id: "1", attrs: {} }).then(() => null, (e: Error) => e);
    expect(other?.message).to.match(/no model for collection "comments"/);
    expect(Task.all()).to.deep.equal([]);
  });

  it("updates and deletes synced records, and never sends them back", async () => {
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "L3", attrs: { title: "v1" } });
    await liveHostOf(atmos).applyLiveChange({ type: "updated", collection: "lists", id: "L3", attrs: { title: "v2" } });
    expect(List.find("L3").title).to.equal("v2");
    await liveHostOf(atmos).applyLiveChange({ type: "deleted", collection: "lists", id: "L3" });
    expect(List.exists("L3")).to.equal(false);
    await atmos.whenSynced();
    expect(requests).to.deep.equal([]);
    expect(atmos.status().pending).to.equal(0);
  });

  it("never overwrites a record with unsent local edits", async () => {
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "L4", attrs: { title: "server" } });
    const list = List.find("L4");
    list.title = "mine, not sent yet";
    list.save();
    await liveHostOf(atmos).applyLiveChange({ type: "updated", collection: "lists", id: "L4", attrs: { title: "server again" } });
    expect(List.find("L4").title).to.equal("mine, not sent yet");
    await liveHostOf(atmos).applyLiveChange({ type: "deleted", collection: "lists", id: "L4" });
    expect(List.exists("L4")).to.equal(true);
  });

  it("takes an update that marks the record deleted (a Google task's tombstone) for a deletion, as a pull does", async () => {
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "L5", attrs: { title: "v1" } });
    await liveHostOf(atmos).applyLiveChange({ type: "updated", collection: "lists", id: "L5", attrs: { title: "v1", deleted: true } });
    expect(List.exists("L5")).to.equal(false);
    expect(atmos.syncState("List", "L5")).to.equal("local");
    // Never heard of: a tombstone brings nothing to show.
    await liveHostOf(atmos).applyLiveChange({ type: "updated", collection: "lists", id: "L6", attrs: { title: "gone", deleted: true } });
    expect(List.exists("L6")).to.equal(false);
    expect(requests).to.deep.equal([]);
  });

  it("keeps a record with unsent local edits that another device's tombstone names", async () => {
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "L7", attrs: { title: "server" } });
    List.find("L7").updateAttributes({ title: "mine" });
    await liveHostOf(atmos).applyLiveChange({ type: "updated", collection: "lists", id: "L7", attrs: { title: "server", deleted: true } });
    expect(List.find("L7").title).to.equal("mine");
  });

  it("lets Model.fromRemote fill in what the live body leaves out", async () => {
    (Task as any).fromRemote = (attrs: any) => ({ ...attrs, taskListID: /\/lists\/([^/]+)\/tasks\//.exec(attrs.selfLink)?.[1] });
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "tasks", id: "T1", attrs: { title: "milk", selfLink: "http://x/tasks/v1/lists/L9/tasks/T1" } });
    expect(Task.find("T1").taskListID).to.equal("L9");
  });

  it("finds a model with a url of its own by the collection that url names", async () => {
    (Todo as any).url = "/api/v2/todo_items";
    try {
      await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "todo_items", id: "7", attrs: { id: 7, title: "By its url" } });
    } finally {
      delete (Todo as any).url;
    }
    expect(Todo.find("7").title).to.equal("By its url");
  });

  it("fills what a live task leaves out from the link to itself its body carries, so its next remote save finds its route", async () => {
    atmos.resourceClient.routes = {
      Task: { index: "GET /lists/:taskListID/tasks", create: "POST /lists/:taskListID/tasks", update: "PUT /lists/:taskListID/tasks/:id", delete: "DELETE /lists/:taskListID/tasks/:id" },
    };
    const selfLink = "http://127.0.0.1:9/tasks/v1/lists/L%2F9/tasks/T2";
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "tasks", id: "T2", attrs: { id: "T2", title: "milk", selfLink } });
    expect(Task.find("T2").taskListID).to.equal("L/9");
    const task = Task.find("T2");
    task.title = "oat milk";
    expect(() => task.save({ remote: true })).not.to.throw();
  });

  it("takes nothing from a link to another record", async () => {
    atmos.resourceClient.routes = { Task: { update: "PUT /lists/:taskListID/tasks/:id" } };
    const selfLink = "http://127.0.0.1:9/tasks/v1/lists/L9/tasks/OTHER";
    await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "tasks", id: "T3", attrs: { id: "T3", title: "milk", selfLink } });
    expect(Task.find("T3").taskListID).to.equal(undefined);
  });

  it("applies nothing of a change for a collection no model has (and says why)", async () => {
    const error = await liveHostOf(atmos).applyLiveChange({ type: "created", collection: "unknown", id: "X", attrs: { title: "?" } }).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/no model for collection "unknown"/);
    expect(List.exists("X")).to.equal(false);
  });

  it("keeps one record when the live change of a create arrives before the create's own answer", async () => {
    let answer!: (response: Response) => void;
    atmos.resourceClient.fetch = () => new Promise<Response>((resolve) => (answer = resolve));
    const list = new List({ title: "Mine" });
    list.save({ remote: true });
    await new Promise((r) => setTimeout(r, 10));
    // The server committed and announced it before our answer came back:
    // the news waits for the answer, and the list is never shown twice.
    const applied = liveHostOf(atmos).applyLiveChange({ type: "created", collection: "lists", id: "S1", attrs: { id: "S1", title: "Mine" } });
    await new Promise((r) => setImmediate(r));
    expect(List.count(), "while the answer is on its way").to.equal(1);
    answer(new Response(JSON.stringify({ id: "S1", title: "Mine" }), { status: 200, headers: { "content-type": "application/json" } }));
    await applied;
    await atmos.whenSynced();
    expect(List.all().map((l: any) => l.id)).to.deep.equal(["S1"]);
    expect(List.count()).to.equal(1);
    expect((List.find("S1") as any).syncState()).to.equal("synced");
  });
});
