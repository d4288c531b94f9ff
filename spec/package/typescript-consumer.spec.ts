import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { consumerProject, type ConsumerProject } from "./support/consumer-project";

/*
 * A strict TypeScript app written from the README, compiled against the
 * installed package only: types come from `atmos2` and `spine` as installed,
 * with no `any`, no casts and no path to a .d.ts written by hand. Each
 * resolution mode a user may have gets its own folder and tsconfig.
 */

const client = `
import Spine from "spine";
import Atmos, { type ErrorPayload } from "atmos2";

class Task extends Spine.Model {
  declare title: string;
  declare done: boolean;
  // Default options typed with the model, as the README's Models section writes them.
  static override remoteSaveOptions = {
    prepareData: (data: Record<string, unknown>, record: Task) => ({ ...data, done: record.done }),
    error: (record: Task, err: ErrorPayload) => console.warn(record.title, err.error.message),
  };
  static override fromRemote(attrs: Record<string, unknown>): Record<string, unknown> {
    return { ...attrs, title: String(attrs.title ?? "") };
  }
}
Task.configure("Task", "title", "done");
Task.extend(Spine.Model.Atmosphere);

const atmos = new Atmos();
atmos.resourceClient.base = "/api";
atmos.resourceClient.routes = {
  Task: { index: "GET /tasks", create: "POST /tasks", update: "PUT /tasks/:id", delete: "DELETE /tasks/:id" },
};

atmos.on("live:change", ({ channel, seq, change }) => {
  const where: string = channel;
  const at: number = seq;
  const kind: "created" | "updated" | "deleted" = change.type;
  const collection: string = change.collection;
  console.log(where, at, kind, collection);
});
atmos.on("error", ({ model, status, error }) => {
  const code: number = status;
  const message: string = error.message;
  console.log(model, code, message);
});

export async function start(): Promise<number> {
  try {
    await Task.sync({ remote: true });
  } catch (error) {
    console.log("offline for now", error);
  }
  const task = new Task({ title: "Milk", done: false });
  task.save({ remote: true });
  // The README's per-call options, each callback typed with the model.
  task.save({
    remote: true,
    params: { fields: "id,title" },
    prepareData: (data: Record<string, unknown>, record: Task) => ({ title: data.title, done: record.done }),
    updateFromData: (record: Task, data: Record<string, unknown>) => ({ ...data, title: String(data.title ?? record.title) }),
    success: (record: Task, response: unknown) => console.log(record.title, response),
    error: (record: Task, err: ErrorPayload) => console.log(record.title, err.status),
  });
  const status = atmos.status();
  const pending: number = status.pending;
  const online: boolean = status.online;
  await atmos.whenSynced();
  return pending + Task.all().length + (online ? 1 : 0);
}
`;

// The README's "null or undefined puts the default back", each option
// assigned both ways, and the getters still giving the option's own type.
const options = `
import Atmos from "atmos2";

const rc = new Atmos().resourceClient;
rc.routes = null;
rc.routes = undefined;
rc.base = null;
rc.base = undefined;
rc.IDField = null;
rc.IDField = undefined;
rc.dataCoding = null;
rc.dataCoding = undefined;
rc.formRoot = null;
rc.formRoot = undefined;
rc.timeout = null;
rc.timeout = undefined;
rc.beforeRequest = null;
rc.beforeRequest = undefined;
rc.fetch = null;
rc.fetch = undefined;
rc.itemsFromResult = null;
rc.itemsFromResult = undefined;
rc.idempotencyHeader = null;
rc.idempotencyHeader = undefined;
rc.conditionalUpdates = null;
rc.conditionalUpdates = undefined;

const base: string = rc.base;
const id: string = rc.IDField;
const coding: "json" | "form" = rc.dataCoding;
const timeout: number = rc.timeout;
const header: string | null = rc.idempotencyHeader;
const conditional: boolean = rc.conditionalUpdates;
const routes: object = rc.routes;
export const read = [base, id, coding, timeout, header, conditional, routes, rc.fetch, rc.itemsFromResult, rc.formRoot, rc.beforeRequest];
`;

// Callbacks and payloads typed with what the code passes them.
const callbacks = `
import Spine from "spine";
import Atmos, { type SyncState } from "atmos2";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

class Task extends Spine.Model {
  declare title: string;
}
Task.configure("Task", "title");
Task.extend(Spine.Model.Atmosphere);
const atmos = new Atmos();

export async function prune(): Promise<number> {
  const kept = await Task.sync({ remote: true, remove: true, removeScope: (task) => task.title.startsWith("Inbox") });
  return kept.length;
}

Task.bind("syncState", (task, state) => {
  const recordIsTask: Equal<typeof task, Task> = true;
  const stateIsSyncState: Equal<typeof state, SyncState> = true;
  console.log(task.title, state, recordIsTask, stateIsSyncState);
});

// Spine's own events, typed by name (found by a new user: they were any), chained as Spine returns the model.
Task.bind("change", (task, type) => {
  const recordIsTask: Equal<typeof task, Task> = true;
  const typeIsNamed: Equal<typeof type, "create" | "update" | "destroy" | "refresh"> = true;
  console.log(task.title, type, recordIsTask, typeIsNamed);
}).bind("refresh", (tasks) => {
  const recordsAreTasks: Equal<typeof tasks, Task[]> = true;
  console.log(tasks.length, recordsAreTasks);
});

atmos.on("error", (payload) => {
  const kind: string = payload.type;
  console.log(kind.toUpperCase());
});
`;

// Every client entry, imported for its types alone.
const entries = `
import Atmos, { WebStorageStore } from "atmos2";
import "atmos2/live";
import { IndexedDBStore } from "atmos2/indexeddb";

export const atmos = new Atmos({ store: new IndexedDBStore("app") });
export const connected: boolean = atmos.live.connected;
export const stores = [WebStorageStore];
`;

const server = `
import http from "node:http";
import { createLiveServer, memoryStore, tokenListAuthenticator, type LiveChange, type LiveServer } from "atmos2/server";

const httpServer = http.createServer();
const live: LiveServer = createLiveServer({
  server: httpServer,
  authenticate: (token) => (token === "t" ? { channels: ["user:1"], user: "u1" } : null),
  // As the README writes it: from the environment, maybe unset.
  secret: process.env.ATMOS_SECRET,
});
live.backend.use(memoryStore());
const standalone = createLiveServer({ authenticate: tokenListAuthenticator("t:*"), replayLimit: 50 });

export async function publish(): Promise<number> {
  await live.ready;
  const change: LiveChange = { type: "deleted", collection: "tasks", id: "t1" };
  const seq: number = await live.hub.publish("user:1", change);
  await Promise.all([live.close(), standalone.close()]);
  return seq + live.connections;
}
`;

// Found by a strict-TypeScript review of the packed package: what the run
// time refuses (a misspelt option or action) is a compile error too; the
// record an event concerns is usable as one; a value that may be undefined
// (read from settings) passes under exactOptionalPropertyTypes, as it does at
// run time; and every type a public signature names can be imported.
const strictness = `
import Spine from "spine";
import Atmos, { type BeforeRequest, type FailedResponse, type OfflineStatusCodes, type PullOptions, type Random, type RecordRef, type ResponseData, type SaveOptions, type SyncErrorType } from "atmos2";

class Task extends Spine.Model {
  declare title: string;
}
Task.configure("Task", "title");
Task.extend(Spine.Model.Atmosphere);
const atmos = new Atmos();
const rc = atmos.resourceClient;

atmos.on("error", ({ record, status }) => {
  if (status >= 400 && record) void atmos.retry(record);
  const id: string | undefined = record?.id;
  if (record instanceof Task) console.log(record.title, id);
});
atmos.on("conflict", ({ record }) => {
  if (record) void atmos.revert(record);
});
atmos.on("auth_fail", ({ record }) => console.log(record?.cid));

export function misspelt(task: Task): void {
  // @ts-expect-error remote misspelt
  task.save({ remtoe: true });
  // @ts-expect-error success misspelt
  task.save({ remote: true, sucess: () => undefined });
  // @ts-expect-error remote misspelt
  task.destroy({ remtoe: true });
  // @ts-expect-error remote misspelt
  Task.create({ title: "Milk" }, { remtoe: true });
  // @ts-expect-error remote misspelt
  Task.remoteSaveOptions = { remtoe: true };
  // @ts-expect-error index misspelt
  rc.routes = { Task: { indx: "GET /tasks" } };
}

// A misspelt mixin compiled, and extend() then failed at run time (found by a strict-TypeScript review).
// @ts-expect-error Atmosphere misspelt
Task.extend(Spine.Model.Atmospher);
// The mixin's methods run on a model class (found by a new user: their \`this\` was any).
// @ts-expect-error not a model
void Spine.Model.Atmosphere.sync.call({ title: "not a model" }, { remote: true });
// Spine's own plugins, loaded by their own files, still compile, and so does one the app declares, as the README says.
declare module "spine" {
  interface ModelPlugins {
    Versioned: { version: number };
  }
}
export const plugins = [Spine.Model.Ajax, Spine.Model.Local, Spine.Model.Versioned.version];
// Spine's relations, as the README's Models section declares them (found by a bundler review: hasMany was no property of a model).
class Album extends Spine.Model {}
class Photo extends Spine.Model {
  declare album_id: string;
}
Album.hasMany("photos", Photo);
Photo.belongsTo("album", "models/album", "album_id");


export function fromSettings(task: Task, remote: boolean | undefined, params: Record<string, unknown> | undefined): void {
  // An option of the app's own, for its Spine handlers, as the README passes one.
  const quiet = { remote: true, silent: true };
  task.save(quiet);
  task.save({ silent: true } as SaveOptions<Task>);
  // Spine's own options, and the original atmos2's flat routes, still compile.
  task.save({ validate: false });
  rc.routes = { index: "/lists", Task: { index: "GET /tasks", read: "GET /tasks/:id" } };
  task.save({ remote, params, pathParams: undefined });
  // A callback that may be unset, too (found by a second look: the callbacks took no undefined).
  const done: ((record: Task, response: unknown) => void) | undefined = remote ? (record) => console.log(record.title) : undefined;
  task.save({ remote, success: done, error: undefined, prepareData: undefined, updateFromData: undefined });
  task.destroy({ remote });
  void Task.sync({ remote, params, pathParams: undefined, remove: undefined });
  void rc.execute({ path: "/tasks", method: undefined, params, data: undefined });
  rc.addHeader("X-Page-Size", 50);
}

// Spine's own class methods, typed with the model.
export function spineStatics(id: string): Task[] {
  Task.update(id, { title: "Tea" });
  Task.destroy(id);
  const some: Task[] = Task.findAll([id]).concat(Task.slice(0, 2));
  const loaded: Task[] = Task.refresh([{ id, title: "Tea" }]);
  return some.concat(loaded);
}

export type Named = [BeforeRequest, FailedResponse, OfflineStatusCodes, PullOptions, Random, RecordRef, ResponseData, SyncErrorType];
`;

interface Mode {
  name: string;
  /** package.json "type" of the folder (decides ESM or CJS under nodenext). */
  type: "module" | "commonjs";
  compilerOptions: Record<string, unknown>;
}

const modes: Mode[] = [
  { name: "nodenext, ES modules", type: "module", compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } },
  { name: "nodenext, CommonJS", type: "commonjs", compilerOptions: { module: "nodenext", moduleResolution: "nodenext" } },
  { name: "bundler", type: "module", compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
  // The strictest settings a project may add to strict (found by a new user: an env value for an optional setting failed).
  { name: "bundler, exactOptionalPropertyTypes and noImplicitOverride", type: "module", compilerOptions: { module: "esnext", moduleResolution: "bundler", exactOptionalPropertyTypes: true, noImplicitOverride: true } },
  // A Node project: no DOM lib, the client's declarations must not need one.
  { name: "nodenext, ES modules, without the DOM lib", type: "module", compilerOptions: { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"] } },
  { name: "nodenext, CommonJS, without the DOM lib", type: "commonjs", compilerOptions: { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"] } },
  // No `types` listed (TypeScript 6's default loads none): atmos2/server's declarations bring Node's themselves.
  { name: "nodenext, ES modules, no types listed", type: "module", compilerOptions: { module: "nodenext", moduleResolution: "nodenext", types: [] } },
  // TypeScript's old default, which reads no exports map (found by a strict-TypeScript review: the README's import of the IndexedDB store failed).
  { name: "node10", type: "commonjs", compilerOptions: { module: "commonjs", moduleResolution: "node10", esModuleInterop: true, ignoreDeprecations: "6.0" } },
];

const files: Record<string, string> = { "client.ts": client, "server.ts": server, "options.ts": options, "callbacks.ts": callbacks, "entries.ts": entries, "strictness.ts": strictness };

/**
 * Compiles both files in one folder per mode with a strict tsconfig and the
 * installed tsc (one run per mode: tsc start-up is most of the time), and
 * returns each file's diagnostics. Diagnostics of no file (a bad option)
 * count for every file.
 */
async function compile(app: ConsumerProject, mode: Mode): Promise<Record<string, string>> {
  const dir = path.join(app.dir, `ts-${mode.name.replace(/\W+/g, "-")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: mode.type }));
  for (const [file, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), source);
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      strict: true,
      noEmit: true,
      types: ["node"],
      // The consumer's own check must not skip the package's declarations.
      skipLibCheck: false,
      ...mode.compilerOptions,
    },
    files: Object.keys(files),
  };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const result = await app.run(path.join(app.dir, "node_modules", ".bin", "tsc"), ["-p", dir, "--pretty", "false"], { cwd: dir });
  // One diagnostic per unindented line, its explanation on the indented ones after it.
  const diagnostics = `${result.stdout}${result.stderr}`.split("\n").reduce<string[]>((list, line) => {
    if (/^\s/.test(line) && list.length > 0) list[list.length - 1] += `\n${line}`;
    else if (line.trim() !== "") list.push(line);
    return list;
  }, []);
  if (result.code !== 0 && diagnostics.length === 0) diagnostics.push(`tsc exited with ${result.code}`);
  const general = diagnostics.filter((d) => !Object.keys(files).some((file) => d.startsWith(`${file}(`)));
  return Object.fromEntries(Object.keys(files).map((file) => [file, [...general, ...diagnostics.filter((d) => d.startsWith(`${file}(`))].join("\n")]));
}

describe("a strict TypeScript app using the installed package", function () {
  this.timeout(600_000);
  /** Each mode's diagnostics, by its name. */
  const compiled = new Map<string, Record<string, string>>();

  // Two compilers at a time (each waits on the disk part of its run): the eight modes took 33 s one after another.
  before(async () => {
    const app = await consumerProject();
    const waiting = [...modes];
    const next = async (): Promise<void> => {
      for (let mode = waiting.shift(); mode; mode = waiting.shift()) compiled.set(mode.name, await compile(app, mode));
    };
    await Promise.all([next(), next()]);
  });

  for (const mode of modes) {
    describe(`under ${mode.name} resolution`, () => {
      let diagnostics: Record<string, string>;

      before(() => {
        diagnostics = compiled.get(mode.name)!;
      });

      it("compiles the README's model, sync, save, status and typed event payloads from atmos2 and spine alone", () => {
        expect(diagnostics["client.ts"]).to.equal("");
      });

      it("compiles a server that embeds createLiveServer from atmos2/server", () => {
        expect(diagnostics["server.ts"]).to.equal("");
      });

      it("takes null and undefined for every resourceClient option, as the README says they put the default back", () => {
        expect(diagnostics["options.ts"]).to.equal("");
      });

      it("types a removeScope predicate, a syncState handler and Spine's own events with the model, and the error payload's type as always there", () => {
        expect(diagnostics["callbacks.ts"]).to.equal("");
      });

      it("compiles an import of every client entry (atmos2, atmos2/live, atmos2/indexeddb)", () => {
        expect(diagnostics["entries.ts"]).to.equal("");
      });

      it("refuses misspelt options and actions, types an event's record as a record, and names every type its signatures use", () => {
        expect(diagnostics["strictness.ts"]).to.equal("");
      });
    });
  }
});
