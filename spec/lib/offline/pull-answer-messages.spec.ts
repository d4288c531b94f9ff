import { expect } from "chai";
import { Todo } from "../models";
import { railsPage } from "./offline-page";

/**
 * A pull the server answers in a way atmos2 cannot use says what to fix.
 * Found by a hunt across server answer shapes: a 304 said only "HTTP 304",
 * and one record without its id among many said to change IDField, which
 * would break all the others.
 */
describe("offline: a pull answered in a way it cannot use", () => {
  const fixture = railsPage();

  async function pullError(): Promise<string> {
    try {
      await Todo.sync({ remote: true, remove: true });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("the pull did not fail");
  }

  it("names the request header a 304 Not Modified answers, and keeps the records", async () => {
    const { rails } = fixture;
    rails.seed("todos", [{ title: "a" }]);
    await Todo.sync({ remote: true });
    rails.reshapeNext(() => ({ status: 304 }));
    const message = await pullError();
    expect(message).to.match(/answered 304: Not Modified/);
    expect(message).to.contain("If-None-Match or If-Modified-Since");
    expect(Todo.all().map((todo) => todo.title)).to.deep.equal(["a"]);
  });

  it("names the one record that came without its id, instead of asking for another IDField", async () => {
    const { rails } = fixture;
    rails.seed("todos", [{ title: "a" }, { title: "b" }, { title: "c" }]);
    rails.reshapeNext((answer) => ({ ...answer, body: (answer.body as Array<Record<string, unknown>>).map((row, i) => (i === 1 ? { ...row, id: undefined } : row)) }));
    const message = await pullError();
    expect(message).to.contain('record 2 of the 3 on this page has no "id", though the others have one').and.contain('"title":"b"');
    expect(message).not.to.contain("Set resourceClient.IDField");
    expect(Todo.all()).to.deep.equal([]);
  });

  it("still asks for IDField when no record has the field", async () => {
    const { rails } = fixture;
    rails.seed("todos", [{ title: "a" }, { title: "b" }]);
    rails.reshapeNext((answer) => ({ ...answer, body: (answer.body as Array<Record<string, unknown>>).map(({ id, ...row }) => ({ ...row, _id: id })) }));
    expect(await pullError()).to.contain('has no "id"').and.contain("Set resourceClient.IDField");
  });
});
