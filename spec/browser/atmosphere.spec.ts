import { expect } from "chai";
import Spine from "spine";
import { Atmos } from "../../lib";

class Note extends Spine.Model {
  declare title: string;
}
Note.configure("Note", "title");
Note.extend((Spine.Model as any).Atmosphere);

describe("Spine.Model.Atmosphere in the browser", () => {
  let atmos: Atmos;

  beforeEach(() => {
    localStorage.clear();
    Note.deleteAll();
    atmos = new Atmos();
  });
  afterEach(async () => {
    // Let the last test's writes land before the next one clears storage.
    await atmos.metaContext.flush();
    atmos.close();
  });

  it("is registered on the Spine the page loaded", () => {
    expect((Spine.Model as any).Atmosphere).to.be.an("object");
  });

  it("saves locally, fires Spine's events, and gives the record a UUID", () => {
    const events: string[] = [];
    Note.bind("create", () => events.push("create"));
    const note = new Note({ title: "hello" });
    note.save();
    Note.unbind("create");
    expect(events).to.deep.equal(["create"]);
    expect(note.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Note.find(note.id).title).to.equal("hello");
  });

  it("gets the records back after a reload (new Atmos on the same localStorage)", async () => {
    new Note({ title: "kept" }).save();
    await atmos.metaContext.flush();
    atmos.close();
    Note.deleteAll();
    atmos = new Atmos();
    const records = (await (Note as any).sync()) as Note[];
    expect(records.map((r) => r.title)).to.deep.equal(["kept"]);
    expect((records[0] as any).syncState()).to.equal("local");
  });
});

describe("atmos.live in the browser", () => {
  it("resolves a path like /live against the page's origin", async () => {
    const { socketUrl } = await import("../../lib/live/live-client");
    expect(socketUrl("/live")).to.equal(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/live`);
  });
});
