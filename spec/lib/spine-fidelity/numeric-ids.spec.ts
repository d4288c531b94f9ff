import { expect } from "chai";
import { Todo } from "../models";
import { railsPage } from "../offline/offline-page";

/**
 * Found by a Spine developer trying the packed package on Spine 1.6.2: a
 * record the app put in Spine with a number for its id (`Model.refresh` of
 * a page's bootstrapped JSON, `Model.create({ id: 100 })`) made the next
 * `Model.sync()` reject with a TypeError from inside Spine ("reading
 * 'load'"), and `find(100)` then gave null: atmos2 refreshed it under the
 * id as text, and Spine 1.6's changeID from 100 to "100" deletes the key
 * it has just written (the same key). A number id stays the record's id, as
 * in plain Spine, and goes back to the server as a number.
 */
describe("records the app gives a number for an id (a Rails page's bootstrapped JSON)", () => {
  const fixture = railsPage();

  it("stay findable under that number after Model.sync(), local and remote (Model.refresh of the page's JSON)", async () => {
    const [seeded] = fixture.rails.seed("todos", [{ title: "from the page" }]);
    expect(seeded.id).to.be.a("number");
    Todo.refresh([seeded]);

    expect((await Todo.sync()).map((t) => t.id)).to.deep.equal([seeded.id]);
    expect(Todo.find(seeded.id as number)?.title).to.equal("from the page");
    await Todo.sync({ remote: true });
    expect(Todo.exists(seeded.id as number)).to.equal(true);
    expect(Todo.all().map((t) => [t.id, t.title])).to.deep.equal([[seeded.id, "from the page"]]);
  });

  it("stay findable under that number after Model.sync() (Model.create({ id: 100 }))", async () => {
    Todo.create({ id: 100, title: "mine" });
    await Todo.sync();
    expect(Todo.find(100)?.title).to.equal("mine");
    expect(Todo.all().map((t) => t.id)).to.deep.equal([100]);
  });

  it("send that id back as a number, as Spine Ajax does", async () => {
    const [seeded] = fixture.rails.seed("todos", [{ title: "from the page" }]);
    Todo.refresh([seeded]);
    Todo.find(seeded.id as number).updateAttributes({ title: "edited" }, { remote: true });
    await fixture.page.atmos.whenSynced();

    const put = fixture.rails.requests.find((r) => r.method !== "GET");
    expect(put?.method).to.match(/^(PUT|PATCH)$/);
    expect(put?.path).to.equal(`/todos/${seeded.id}`);
    expect(put?.body).to.deep.equal({ title: "edited", id: seeded.id });
    expect(fixture.rails.records("todos").map((t) => [t.id, t.title])).to.deep.equal([[seeded.id, "edited"]]);
  });
});
