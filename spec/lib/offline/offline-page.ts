import { Atmos, type AtmosOptions } from "../../../lib";
import type { AtmosEvents } from "../../../lib/atmos-options";
import { WebStorageStore } from "../../../lib/store/web-storage-store";
import { DelayedStore } from "../../fakes/delayed-store";
import { FakeClock } from "../../fakes/fake-clock";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { startJsonServer, type JsonServer } from "../../servers/json-server";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { googleRoutes, models, resetModels, Todo, type Synced } from "../models";

/**
 * One page of an app under test: an Atmos on a storage that outlives it, so a
 * spec can "reload" (close the page, open a new Atmos on the same storage) the
 * way a browser tab is closed and opened again.
 */
export interface OfflinePage {
  atmos: Atmos;
  storage: MemoryStorage;
  /** Closes this Atmos and opens a new one on the same storage; Spine's in-memory records are gone, as after a reload. */
  reload(): Promise<Atmos>;
  close(): void;
}

export interface OfflinePageOptions extends Omit<AtmosOptions, "storage" | "store"> {
  /** Server origin (Rails scaffold) or API base (`…/tasks/v1` with `token`). */
  base: string;
  /** Bearer token of the Google-compatible API: sets its routes and header too. */
  token?: string;
  storage?: MemoryStorage;
  /** Writes land this long after they are made (like a busy IndexedDB); reads are direct. */
  writeDelayMs?: number;
}

export function openPage(options: OfflinePageOptions): OfflinePage {
  const { base, token, storage = new MemoryStorage(), writeDelayMs, ...rest } = options;
  const open = () => {
    const store = writeDelayMs === undefined ? undefined : new DelayedStore(new WebStorageStore(storage), writeDelayMs);
    const atmos = new Atmos({ ...rest, ...(store ? { store } : { storage }) });
    const rc = atmos.resourceClient;
    rc.base = base;
    if (token) {
      rc.routes = googleRoutes;
      rc.addHeader("Authorization", `Bearer ${token}`);
    }
    return atmos;
  };
  const page: OfflinePage = {
    atmos: open(),
    storage,
    async reload() {
      page.atmos.close();
      resetModels();
      page.atmos = open();
      await Promise.all(Object.values(models).map((model: Synced) => model.sync()));
      return page.atmos;
    },
    close: () => page.atmos.close(),
  };
  return page;
}

/** What `railsPage()` makes anew for each test. */
export interface RailsPage {
  rails: RailsScaffoldServer;
  page: OfflinePage;
  clock: FakeClock;
}

/**
 * A Rails scaffold server on a free port and a page on it with a fake clock,
 * made before each test of the describe it is called in and closed after.
 */
export function railsPage(): RailsPage {
  const fixture = {} as RailsPage;
  beforeEach(async () => {
    resetModels();
    fixture.rails = await startRailsScaffoldServer();
    fixture.clock = new FakeClock();
    fixture.page = openPage({ base: fixture.rails.url, clock: fixture.clock });
  });
  afterEach(async () => {
    fixture.page.close();
    await fixture.rails.close();
  });
  return fixture;
}

/**
 * A server and a page on it, made before each test of the describe it is
 * called in (models reset first) and closed after.
 */
function serverPage<S>(start: () => Promise<S>, options: (server: S) => OfflinePageOptions, stop: (server: S) => Promise<void>): { server: S; page: OfflinePage } {
  const fixture = {} as { server: S; page: OfflinePage };
  beforeEach(async () => {
    resetModels();
    fixture.server = await start();
    fixture.page = openPage(options(fixture.server));
  });
  afterEach(async () => {
    fixture.page.close();
    await stop(fixture.server);
  });
  return fixture;
}

/** The bundled Google-compatible server (SQLite in a temp file) and a page with its routes and token. */
export function tasksApiPage(): { server: TasksTestServer; page: OfflinePage } {
  return serverPage(startTasksTestServer, (api) => ({ base: api.base, token: api.token }), (api) => api.close({ removeFile: true }));
}

/** json-server 0.17 with the README's idempotency middleware, and a page on it. */
export function jsonServerPage(): { server: JsonServer; page: OfflinePage } {
  return serverPage(() => startJsonServer(true), (server) => ({ base: server.url }), (server) => server.stop());
}

/** What `railsBehindFaults()` makes anew for each test. */
export interface FaultyRailsPage extends RailsPage {
  proxy: FaultProxy;
  /** Faults for the next requests, in order; a request finding none passes. */
  faults: Fault[];
}

/**
 * As `railsPage()`, with a fault proxy between the page and the server: each
 * request meets the next fault the spec queued in `faults`.
 */
export function railsBehindFaults(): FaultyRailsPage {
  const fixture = {} as FaultyRailsPage;
  beforeEach(async () => {
    resetModels();
    fixture.rails = await startRailsScaffoldServer();
    fixture.faults = [];
    fixture.proxy = await startFaultProxy(fixture.rails.url, () => fixture.faults.shift());
    fixture.clock = new FakeClock();
    fixture.page = openPage({ base: fixture.proxy.url, clock: fixture.clock });
  });
  afterEach(async () => {
    fixture.page.close();
    await fixture.proxy.close();
    await fixture.rails.close();
  });
  return fixture;
}

/** Every payload of the named events, in order, as they are emitted. */
export function recordEvents<K extends keyof AtmosEvents & string>(atmos: Atmos, name: K): Array<AtmosEvents[K]> {
  const seen: Array<AtmosEvents[K]> = [];
  atmos.on(name, (payload) => seen.push(payload));
  return seen;
}

/** The next emission of an event. */
export function nextEvent<K extends keyof AtmosEvents & string>(atmos: Atmos, name: K): Promise<AtmosEvents[K]> {
  return new Promise((resolve) => {
    const off = atmos.on(name, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** The stored entry of a record (what survives a reload), parsed. */
export function storedEntry(storage: MemoryStorage, className: string, id: string): any {
  const raw = storage.getItem(`atmos2:rec:${className}:${id}`);
  return raw === null ? undefined : JSON.parse(raw);
}

/** Stored entries of a class. */
export function storedEntries(storage: MemoryStorage, className: string): any[] {
  return storage
    .keys()
    .filter((key) => key.startsWith(`atmos2:rec:${className}:`))
    .map((key) => JSON.parse(storage.getItem(key) as string));
}

/**
 * A todo the server already has (saved with `remote` and answered), as the
 * app holds it; the server's request log is emptied after, so a spec sees
 * only what follows.
 */
export async function syncedTodo(page: OfflinePage, rails: RailsScaffoldServer, attrs: Record<string, unknown>): Promise<Todo> {
  new Todo(attrs).save({ remote: true });
  await page.atmos.whenSynced();
  rails.requests.length = 0;
  return Todo.last() as Todo;
}
