import Spine from "spine";
import "../../lib";

/**
 * The Spine models the library specs use, defined once for the whole run:
 * extended models are registered by class name for every Atmos instance, so
 * two spec files each declaring their own "Task" would steal it from each
 * other. Specs import these instead, and call `resetModels()` before each test.
 */
export class List extends Spine.Model {
  declare title: string;
  declare etag: string;
  declare updated: string;
}
List.configure("List", "title", "etag", "updated");
List.extend(Spine.Model.Atmosphere as object);

/** A Google task; `taskListID` is ours (Google's task body does not carry it). */
export class Task extends Spine.Model {
  declare title: string;
  declare notes: string;
  declare status: string;
  declare taskListID: string;
  declare etag: string;
  declare updated: string;
}
Task.configure("Task", "title", "notes", "status", "due", "taskListID", "etag", "updated", "position");
Task.extend(Spine.Model.Atmosphere as object);
// Assigned after extend on purpose; `Project`/`Todo` below assign before.
(Task as any).remoteKeys = { taskListID: "List" };

/** A Rails-style model with its own numeric-id server and REST defaults (`/todos`). */
export class Todo extends Spine.Model {
  declare title: string;
  declare done: boolean;
  declare projectID: string;
}
Todo.configure("Todo", "title", "done", "projectID");
(Todo as any).remoteKeys = { projectID: "Project" };
Todo.extend(Spine.Model.Atmosphere as object);

export class Project extends Spine.Model {
  declare name: string;
}
Project.configure("Project", "name");
Project.extend(Spine.Model.Atmosphere as object);

/** Two-word class name: form root `task_list`, REST collection `/task_lists`. */
export class TaskList extends Spine.Model {
  declare title: string;
  declare tags: string[];
}
TaskList.configure("TaskList", "title", "tags");
TaskList.extend(Spine.Model.Atmosphere as object);

/** A model extended with the Atmosphere (its class methods are typed by types/spine.d.ts). */
export type Synced = typeof Spine.Model;

export const models = { List, Task, Todo, Project, TaskList };

/**
 * Empties a model's records in memory only, as a page that was just opened
 * has them (still in storage, not yet loaded). Not `deleteAll()`: atmos2
 * keeps that in storage, as Spine keeps it in memory.
 */
export function forgetInMemory(model: typeof Spine.Model): void {
  const m = model as any;
  m.records = [];
  m.irecords = {};
}

/** Forgets every in-memory record and class binding a spec added (the Atmosphere's own listener stays). */
export function resetModels(): void {
  for (const model of Object.values(models)) {
    forgetInMemory(model);
    delete (model as any).remoteSaveOptions;
  }
}

/** The Google Tasks routes of API.md's setup. */
export const googleRoutes = {
  List: { index: "GET /users/@me/lists", create: "POST /users/@me/lists", update: "PUT /users/@me/lists/:id", delete: "DELETE /users/@me/lists/:id" },
  Task: {
    index: "GET /lists/:taskListID/tasks",
    create: "POST /lists/:taskListID/tasks",
    update: "PUT /lists/:taskListID/tasks/:id",
    delete: "DELETE /lists/:taskListID/tasks/:id",
  },
};
