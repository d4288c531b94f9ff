import { expect } from "chai";
import Spine from "spine";
import { railsAtmos } from "../rails-atmos";

/** A model of its own: its class name is registered for every Atmos of the run. */
class Deadline extends Spine.Model {
  declare title: string;
  declare due: Date | string;
}
Deadline.configure("Deadline", "title", "due");
Deadline.extend(Spine.Model.Atmosphere as object);
const Synced = Deadline as unknown as { sync(options?: object): Promise<unknown>; push(): Promise<unknown> };
type Saved = Deadline & { save(options?: object): unknown; syncState(): string };

const christmas = "2026-12-24T18:00:00.000Z";
const newYear = "2026-12-31T23:00:00.000Z";

/**
 * A Date is stored and sent as its ISO text, and comes back from the server
 * (and from storage) as that text. Apps set it again as a Date (a date
 * picker, `new Date(task.due)` in a form) on every save. Counted as a
 * change, each such save marked the record unsent and sent the unchanged
 * date again, and worse, a save of
 * another field made the stale date the user's edit: a pull then kept it over
 * another device's newer date, and the push overwrote that date on the server.
 */
describe("a Date attribute set again to the time the record already holds", () => {
  const fixture = railsAtmos();
  const created = async () => {
    new Deadline({ title: "presents", due: new Date(christmas) }).save({ remote: true });
    await fixture.atmos.whenSynced();
    return Deadline.first() as Saved;
  };
  const server = () => fixture.rails.records("deadlines")[0];

  beforeEach(() => Deadline.deleteAll());

  it("is no change: the record stays synced and a push sends nothing", async () => {
    const deadline = await created();
    expect(deadline.due, "as the server answered").to.equal(christmas);
    const sent = fixture.rails.requests.length;

    deadline.due = new Date(deadline.due);
    deadline.save();
    expect((Deadline.first() as Saved).syncState(), "the record").to.equal("synced");
    await Synced.push();

    expect(fixture.rails.requests.length, "requests after the push").to.equal(sent);
  });

  it("does not make the old date the user's edit: another device's newer date survives the pull and the push", async () => {
    const deadline = await created();
    const id = String(deadline.id);
    fixture.rails.failNext(503, "down");
    deadline.title = "presents, wrapped";
    deadline.due = new Date(deadline.due);
    deadline.save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fetch(`${fixture.rails.url}/deadlines/${id}.json`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ due: newYear }) });

    await Synced.sync({ remote: true });
    const merged = Deadline.find(id) as Saved;
    expect([merged.title, merged.due], "the page's, after the pull").to.deep.equal(["presents, wrapped", newYear]);
    await Synced.push();
    await fixture.atmos.whenSynced();
    expect([server().title, server().due], "the server's").to.deep.equal(["presents, wrapped", newYear]);
  });

  it("still sends a Date set to another time", async () => {
    const deadline = await created();
    deadline.due = new Date(newYear);
    deadline.save({ remote: true });
    await fixture.atmos.whenSynced();

    expect(server().due, "the server's").to.equal(newYear);
  });
});
