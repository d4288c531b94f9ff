import { expect } from "chai";
import { closedPort } from "../../servers/closed-port";
import { startFaultProxy } from "../../servers/fault-proxy";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { Project, resetModels, Todo } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

type Synced = { syncState(): string };

/**
 * Found by a helper driving a page in Chromium against a Rails-style server
 * that deletes a project's todos with it (`has_many :todos, dependent:
 * :destroy`). The user moved the todos out of a project into another, then
 * deleted the emptied project. The moves waited for the new project's server
 * id, and the project's delete, a later change, went first: the server
 * deleted the todos with it, their moves were answered 404, and the todos
 * were gone from the server, parked in this browser only. The moves go first.
 */
describe("offline: todos moved out of a project, then the project deleted", () => {
  let rails: RailsScaffoldServer;
  let page: OfflinePage;

  beforeEach(async () => {
    resetModels();
    rails = await startRailsScaffoldServer({ dependents: { projects: { todos: "projectID" } } });
    page = openPage({ base: rails.url });
  });
  afterEach(async () => {
    page.close();
    await rails.close();
  });

  /** A project with two todos, on the server. */
  async function projectWithTodos(): Promise<Project> {
    const old = new Project({ name: "Old" });
    old.save({ remote: true });
    await page.atmos.whenSynced();
    for (const title of ["keep me", "also keep"]) new Todo({ title, done: false, projectID: Project.first()!.id }).save({ remote: true });
    await page.atmos.whenSynced();
    return Project.first()!;
  }

  const serverTodos = () => rails.records("todos").map((r) => [r.title, String(r.projectID)]);

  /** Runs `act` with the server answering PUTs 150 ms late, then waits until everything is sent. */
  async function withSlowPuts(act: () => void): Promise<void> {
    const proxy = await startFaultProxy(rails.url, (req) => (req.method === "PUT" ? { delayMs: 150 } : undefined));
    page.atmos.resourceClient.base = proxy.url;
    try {
      act();
      await page.atmos.whenSynced();
    } finally {
      await proxy.close();
    }
  }

  function moveAllThenDelete(old: Project, into: Project): void {
    for (const todo of Todo.all()) todo.updateAttributes({ projectID: into.id }, { remote: true });
    (Project.find(old.id) as Project).destroy({ remote: true });
  }

  it("sends the moves into a project made offline before the old project's delete", async () => {
    const old = await projectWithTodos();
    const online = page.atmos.resourceClient.base;
    page.atmos.resourceClient.base = `http://127.0.0.1:${await closedPort()}`;
    const fresh = new Project({ name: "New" });
    fresh.save({ remote: true });
    await moveAllThenDelete(old, fresh);
    page.atmos.resourceClient.base = online;
    await page.atmos.push();
    await page.atmos.whenSynced();

    const created = String(Project.first()!.id);
    expect(rails.records("projects").map((r) => r.name)).to.deep.equal(["New"]);
    expect(serverTodos()).to.deep.equal([
      ["keep me", created],
      ["also keep", created],
    ]);
    expect(Todo.all().map((todo) => (todo as unknown as Synced).syncState())).to.deep.equal(["synced", "synced"]);
  });

  it("sends the moves into a project the server has before the old project's delete, online, however slowly the server answers them", async () => {
    const old = await projectWithTodos();
    const other = new Project({ name: "Other" });
    other.save({ remote: true });
    await page.atmos.whenSynced();
    await withSlowPuts(() => moveAllThenDelete(old, Project.findByAttribute("name", "Other")!));

    const kept = String(Project.findByAttribute("name", "Other")!.id);
    expect(serverTodos()).to.deep.equal([
      ["keep me", kept],
      ["also keep", kept],
    ]);
  });

  // Found by the re-check in Chromium: once the new project had its server
  // id, the todos' server version (base) was given that id too, so they no
  // longer counted as moving out of the old one, and its delete overtook
  // their slow moves.
  it("sends slow moves into a project made online before the old project's delete", async () => {
    const old = await projectWithTodos();
    await withSlowPuts(() => {
      const fresh = new Project({ name: "New" });
      fresh.save({ remote: true });
      moveAllThenDelete(old, fresh);
    });

    const created = String(Project.findByAttribute("name", "New")!.id);
    expect(serverTodos()).to.deep.equal([
      ["keep me", created],
      ["also keep", created],
    ]);
  });

  it("keeps the old project's delete waiting while the new project is refused, and sends all once it is fixed", async () => {
    await rails.close();
    rails = await startRailsScaffoldServer({
      dependents: { projects: { todos: "projectID" } },
      validate: (collection, attrs) => (collection === "projects" && attrs.name === "" ? { name: ["can't be blank"] } : undefined),
    });
    page.atmos.resourceClient.base = rails.url;
    const old = await projectWithTodos();
    const fresh = new Project({ name: "" });
    fresh.save({ remote: true });
    await moveAllThenDelete(old, fresh);
    await page.atmos.whenSynced();
    expect(rails.requests.some((r) => r.method === "DELETE"), "the old project's delete, while the new one is refused").to.equal(false);
    expect(rails.records("todos")).to.have.length(2);

    const fixed = Project.find(fresh.id) as Project;
    fixed.name = "New";
    fixed.save({ remote: true });
    await page.atmos.whenSynced();
    const created = String(Project.findByAttribute("name", "New")!.id);
    expect(rails.records("projects").map((r) => r.name)).to.deep.equal(["New"]);
    expect(serverTodos()).to.deep.equal([
      ["keep me", created],
      ["also keep", created],
    ]);
  });

  it("still deletes the project with the todos left in it (the server deletes those, as the app asked)", async () => {
    const old = await projectWithTodos();
    (Project.find(old.id) as Project).destroy({ remote: true });
    await page.atmos.whenSynced();
    expect(rails.records("projects")).to.deep.equal([]);
    expect(rails.records("todos")).to.deep.equal([]);
  });
});
