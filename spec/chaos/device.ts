import type { Atmos } from "../../lib";
import { ManualConnectivity } from "../../lib/env/connectivity";
import { MemoryStorage } from "../fakes/memory-storage";
import type { SeededRandom } from "../fakes/seeded-random";
import type { FaultProxy } from "../servers/fault-proxy";
import { googleRoutes } from "../lib/models";
import { loadDevice, type DeviceModules } from "./device-realm";
import type { DeviceName, SharedIntent } from "./shared-intent";

/** What a device needs from the run: where the API and the live server are. */
export interface DeviceSetup {
  /** The API base through this device's fault proxy. */
  base: string;
  token: string;
  wsUrl: string;
  listId: string;
  conditionalUpdates: boolean;
}

/**
 * One device of the two-device chaos: its own copy of atmos2 and Spine (see
 * device-realm.ts), its own storage (which outlives reloads), and a user who
 * edits only the field this device owns (A: title, B: notes), creates tasks
 * and destroys only the tasks it created. Every write goes to `intent`.
 */
export class Device {
  readonly storage = new MemoryStorage();
  atmos!: Atmos;
  online = true;
  /** Unexpected error events (a faulty network explains only network, http and timeout). */
  readonly problems: string[] = [];
  private writes = 0;
  private made = 0;
  private connectivity!: ManualConnectivity;

  constructor(
    readonly name: DeviceName,
    readonly modules: DeviceModules,
    readonly proxy: FaultProxy,
    private readonly setup: DeviceSetup,
    private readonly intent: SharedIntent,
    private readonly random: SeededRandom,
  ) {}

  static load(): DeviceModules {
    return loadDevice();
  }

  get Task(): any {
    return this.modules.Task;
  }

  /** Opens the page (first load or reload) and loads what storage holds. */
  async open(): Promise<void> {
    const m = this.modules;
    const connectivity = new ManualConnectivity();
    this.connectivity = connectivity;
    const atmos = new m.Atmos({ storage: this.storage, connectivity });
    atmos.resourceClient.base = this.setup.base;
    atmos.resourceClient.routes = googleRoutes;
    atmos.resourceClient.addHeader("Authorization", `Bearer ${this.setup.token}`);
    // A PUT replaces the whole task: without If-Match, one device's update would put back the other's old field.
    atmos.resourceClient.conditionalUpdates = this.setup.conditionalUpdates;
    atmos.on("error", (e) => {
      if (!["network", "http", "timeout"].includes(String(e.type))) this.problems.push(`${this.name}: unexpected error event (${e.type}): ${e.error?.message}`);
    });
    this.atmos = atmos;
    await m.List.sync();
    await m.Task.sync();
    if (this.online) await this.connectLive();
  }

  async reload(): Promise<void> {
    this.atmos.close();
    this.modules.forgetInMemory();
    await this.open();
  }

  close(): void {
    this.atmos?.close();
    this.modules.forgetInMemory();
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.connectivity.set(online);
    if (!online) this.atmos.live.disconnect();
    // A connect cut short by going offline again rejects; settling checks that live is connected in the end.
    else void this.connectLive().catch(() => undefined);
  }

  private connectLive(): Promise<void> {
    return this.atmos.live.connect(this.setup.wsUrl, { token: "any" });
  }

  /** Pulls the shared list's tasks, removing those the server no longer has. */
  pull(): Promise<unknown> {
    return this.Task.sync({ remote: true, pathParams: { taskListID: this.setup.listId }, remove: true });
  }

  /** One user action on this device; returns a line for the trace. */
  act(): string {
    const remote = this.random.chance(0.85);
    const opts = remote ? { remote: true } : {};
    const how = remote ? "" : " (held)";
    const action = this.random.weighted({ create: 3, edit: 8, destroy: 1.5, push: 1 });
    const tasks = this.Task.all() as any[];
    if (action === "create" || (action === "edit" && tasks.length === 0)) {
      const handle = `${this.name}${++this.made}`;
      const title = `${handle}:${this.name === "A" ? "a" : "b"}0`;
      const notes = this.name === "B" ? `${handle}:b0` : undefined;
      new this.Task({ title, notes, status: "needsAction", taskListID: this.setup.listId }).save(opts);
      this.intent.created(handle, this.name, title, notes);
      return `create ${handle}${how}`;
    }
    if (action === "edit") {
      const task = this.random.pick(tasks);
      const handle = this.intent.handleOf(task);
      if (this.intent.destroyedBy(handle, this.name)) this.problems.push(`${this.name} sees ${handle}, which it destroyed`);
      const value = `${handle}:${this.name === "A" ? "a" : "b"}${++this.writes}`;
      if (this.name === "A") task.title = value;
      else task.notes = value;
      task.save(opts);
      this.intent.wrote(handle, this.name, value);
      return `edit ${handle} ${this.name === "A" ? "title" : "notes"}=${value}${how}`;
    }
    if (action === "destroy") {
      const own = tasks.filter((t) => this.intent.creatorOf(this.intent.handleOf(t)) === this.name);
      if (own.length === 0) return "destroy: nothing of its own";
      const task = this.random.pick(own);
      const handle = this.intent.handleOf(task);
      task.destroy(opts);
      this.intent.destroyed(handle, this.name);
      return `destroy ${handle}${how}`;
    }
    void this.atmos.push().catch(() => undefined);
    return "push";
  }

  /** The tasks Spine holds, as plain values. */
  shown(): Array<Record<string, any>> {
    return (this.Task.all() as any[]).map((t) => ({ ...t.attributes(), id: t.id }));
  }
}
