import { expect } from "chai";
import { closedPort } from "../../servers/closed-port";
import { railsAtmos } from "../rails-atmos";
import { Project, Todo } from "../models";

type Saved = { id: unknown; projectID?: string; save(options?: object): unknown; destroy(options?: object): unknown; syncState(): string };
const Model = Todo as unknown as { push(): Promise<unknown> };

/**
 * A project the server has (id 1) gets new todos offline, then the user
 * deletes it and takes that back (saves it again): its delete and a create
 * wait, in that order. The todos went out first, to project 1, which the
 * delete then removed (a server deletes a project's todos with it); the new
 * project came back under another id, and the page showed the todos there,
 * "synced", while the server had none (found by an outside review). A
 * record now waits for a parent that is to be created again.
 */
describe("offline: children of a parent deleted and saved again before either was sent", () => {
  const fixture = railsAtmos();

  it("sends the children after the parent's new create, with the id the server gave it", async () => {
    new Project({ name: "home" }).save({ remote: true });
    await fixture.atmos.whenSynced();
    const project = Project.first() as unknown as Saved;
    const first = String(project.id);
    const online = fixture.atmos.resourceClient.base;
    fixture.atmos.resourceClient.base = `http://127.0.0.1:${await closedPort()}`;
    new Todo({ title: "milk", projectID: first }).save({ remote: true });
    new Todo({ title: "eggs", projectID: first }).save({ remote: true });
    const kept = (project as unknown as { dup(newRecord: boolean): { attributes(): Record<string, unknown> } }).dup(false).attributes();
    project.destroy({ remote: true });
    new Project(kept).save({ remote: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    fixture.atmos.resourceClient.base = online;
    await Model.push();
    await fixture.atmos.whenSynced();

    const again = String(Project.first()!.id);
    expect(again, "the project's new id").to.not.equal(first);
    expect(fixture.rails.requests.slice(1).map((r) => `${r.method} ${r.path}`)).to.deep.equal([`DELETE /projects/${first}`, "POST /projects", "POST /todos", "POST /todos"]);
    expect(fixture.rails.records("todos").map((todo) => String(todo.projectID)), "the server's todos").to.deep.equal([again, again]);
    expect(Todo.all().map((todo) => [String((todo as unknown as Saved).projectID), (todo as unknown as Saved).syncState()]), "the page's").to.deep.equal([
      [again, "synced"],
      [again, "synced"],
    ]);
  });
});
