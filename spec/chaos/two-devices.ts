import { SeededRandom } from "../fakes/seeded-random";
import { startLive, type LiveFixture } from "../live/support/live-fixture";
import { startFaultProxy, type Fault, type FaultProxy, type ProxiedRequest } from "../servers/fault-proxy";
import { tasksClient } from "../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../servers/tasks-test-server";
import { Device } from "./device";
import type { DeviceModules } from "./device-realm";
import { SharedIntent, type DeviceName } from "./shared-intent";
import { checkDevice, checkServer } from "./two-device-invariants";

export interface TwoDeviceOptions {
  /** Number of steps; drawn from the seed when omitted. */
  steps?: number;
  /** Updates carry If-Match (default true). Off, a PUT puts back the other device's old field: for checking that the invariants catch lost writes. */
  conditionalUpdates?: boolean;
}

export interface TwoDeviceResult {
  seed: number;
  ok: boolean;
  problems: string[];
  trace: string[];
  steps: number;
  requests: number;
  faults: Record<string, number>;
}

/** Each device's copy of atmos2 and Spine, loaded once per process and reused by every run. */
let realms: [DeviceModules, DeviceModules] | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One seeded two-device run against the real tasks API (SQLite, port 0) and
 * a real live server: devices A and B share a list; A edits titles, B edits
 * notes, each creates tasks and destroys its own, pulls, reloads and goes
 * offline, while each one's requests meet faults on its own proxy (dropped,
 * answered but lost, held until a later step) and live news arrives when the
 * seed says. Then the network heals and both settle, and the server and both
 * devices must hold the same tasks, each field at its owner's last write.
 *
 * The seed fixes every decision; the moment a request meets its fault is real
 * time, so a replay takes the same steps but may interleave a little differently.
 */
export async function runTwoDevices(seed: number, options: TwoDeviceOptions = {}): Promise<TwoDeviceResult> {
  realms ??= [Device.load(), Device.load()];
  const root = new SeededRandom(seed);
  const plan = root.fork("plan");
  const intent = new SharedIntent();
  const problems: string[] = [];
  const trace: string[] = [];
  const started = Date.now();
  const log = (line: string) => trace.push(`${String(Date.now() - started).padStart(6)} ms  ${line}`);
  const faults: Record<string, number> = {};
  const holds: Array<{ until: number; release: () => void }> = [];
  let step = 0;
  /** Faults start with the first step (setup is clean) and end with the heal. */
  let healed = true;
  let api: TasksTestServer | undefined;
  let live: LiveFixture | undefined;
  const proxies: FaultProxy[] = [];
  const devices: Device[] = [];
  let newsSent = 0;
  const steps = options.steps ?? plan.between(15, 60);

  /** The faults of one device's requests, drawn from that device's own stream. */
  const scheduleFor = (name: DeviceName, random: SeededRandom, rate: number) => (req: ProxiedRequest) => {
    const device = devices.find((d) => d.name === name);
    const line = `  ${name} ${req.method} ${req.url.replace(/^\/tasks\/v1/, "")}${describeBody(req)}`;
    const count = (kind: string, fault?: Fault) => {
      faults[kind] = (faults[kind] ?? 0) + 1;
      log(`${line} [${kind}]`);
      return fault;
    };
    if (healed) return void log(line);
    if (device && !device.online) return count("offline", "drop-request");
    if (!random.chance(rate)) return void log(line);
    const kind = random.weighted({ "drop-request": 2, "drop-response": 3, "status-503": 1, "status-500": 1, delay: 2, hold: 5 });
    if (kind === "status-503" || kind === "status-500") return count(kind, { status: Number(kind.slice(7)), body: { error: { code: 503, message: "chaos" } } });
    if (kind === "delay") return count(kind, { delayMs: random.between(10, 300) });
    if (kind === "hold") {
      const until = step + random.between(1, 8);
      return count(`hold until step ${until}`, { until: new Promise<void>((release) => holds.push({ until, release })) });
    }
    return count(kind, kind as Fault);
  };
  const releaseHolds = (all: boolean) => {
    for (let i = holds.length - 1; i >= 0; i--) {
      if (!all && holds[i].until > step) continue;
      holds[i].release();
      holds.splice(i, 1);
    }
  };
  /** Publishes the API's committed changes not yet published, as the app's backend does. */
  const deliverNews = async () => {
    const fresh = api!.published.slice(newsSent);
    newsSent += fresh.length;
    for (const { channel, change } of fresh) await live!.live.hub.publish(channel, [change]);
    if (fresh.length) log(`news: ${fresh.length} change(s) published live`);
  };

  try {
    api = await startTasksTestServer();
    live = await startLive();
    const client = tasksClient(api);
    const listId = (await client.createList("Shared")).id as string;
    for (const [i, name] of (["A", "B"] as DeviceName[]).entries()) {
      const random = root.fork(`faults ${name}`);
      const rate = random.pick([0, 0.15, 0.3, 0.5]);
      const proxy = await startFaultProxy(api.url, scheduleFor(name, random, rate));
      proxies.push(proxy);
      const device = new Device(name, realms[i], proxy, { base: `${proxy.url}/tasks/v1`, token: api.token, wsUrl: live.wsUrl, listId, conditionalUpdates: options.conditionalUpdates ?? true }, intent, root.fork(`user ${name}`));
      devices.push(device);
      log(`device ${name}: fault rate ${rate}`);
    }
    for (const device of devices) {
      await device.open();
      await device.modules.List.sync({ remote: true });
      await device.pull();
    }

    healed = false;
    const downUntil: Record<string, number> = { A: -1, B: -1 };
    for (step = 0; step < steps; step++) {
      releaseHolds(false);
      for (const device of devices) {
        if (downUntil[device.name] === step) {
          device.setOnline(true);
          log(`${device.name}: back online`);
        }
      }
      const what = plan.weighted({ A: 5, B: 5, news: 3, pull: 2, wait: 3, reload: 0.6, offline: 0.5 });
      const device = devices[plan.int(2)];
      if (what === "A" || what === "B") log(`step ${step}: ${what} ${devices[what === "A" ? 0 : 1].act()}`);
      else if (what === "news") await deliverNews();
      else if (what === "pull") {
        log(`step ${step}: ${device.name} pulls`);
        void device.pull().catch(() => undefined);
      } else if (what === "wait") await sleep(plan.pick([0, 5, 30, 100, 250]));
      else if (what === "reload") {
        await device.reload();
        log(`step ${step}: ${device.name} reloaded`);
      } else if (what === "offline" && device.online) {
        downUntil[device.name] = step + plan.between(1, 8);
        device.setOnline(false);
        log(`step ${step}: ${device.name} offline until step ${downUntil[device.name]}`);
      }
      await sleep(plan.pick([0, 1, 5, 20]));
    }

    log("heal: no more faults, held requests go on, both online");
    healed = true;
    releaseHolds(true);
    for (const device of devices) if (!device.online) device.setOnline(true);
    await settle(devices, deliverNews, problems, log);

    const server = await client.all(`/lists/${listId}/tasks`);
    problems.push(...checkServer(server, intent));
    for (const device of devices) problems.push(...checkDevice(`device ${device.name}`, device.shown(), server, intent));
    for (const device of devices) {
      await device.reload();
      problems.push(...checkDevice(`device ${device.name} after a reload`, device.shown(), server, intent));
    }
    for (const device of devices) problems.push(...device.problems);
  } catch (error) {
    problems.push(`the run threw: ${(error as Error)?.stack ?? error}`);
  } finally {
    healed = true;
    releaseHolds(true);
    for (const device of devices) device.close();
    for (const proxy of proxies) await proxy.close();
    await live?.close();
    await api?.close({ removeFile: true });
  }
  const requests = proxies.reduce((n, p) => n + p.received, 0);
  return { seed, ok: problems.length === 0, problems: [...new Set(problems)], trace, steps, requests, faults };
}

/**
 * Both devices send what is left, hear every change live and pull, until a
 * round changes nothing: nothing pending or in flight, no news unpublished.
 */
async function settle(devices: Device[], deliverNews: () => Promise<void>, problems: string[], log: (line: string) => void): Promise<void> {
  const within = <T>(what: string, promise: Promise<T>) =>
    Promise.race([promise, sleep(15000).then(() => Promise.reject(new Error(`${what} did not settle within 15 s`)))]);
  for (let round = 0; round < 3; round++) {
    for (const device of devices) {
      await within(`${device.name}: push()`, device.atmos.push()).catch((e) => problems.push(`${device.name}: push() after healing: ${e.message}`));
      await within(`${device.name}: whenSynced()`, device.atmos.whenSynced()).catch((e) => problems.push(`${device.name}: ${e.message}`));
    }
    await deliverNews();
    await sleep(100);
    for (const device of devices) await within(`${device.name}: pull`, device.pull()).catch((e) => problems.push(`${device.name}: pull after healing: ${e.message}`));
    await sleep(20);
  }
  for (const device of devices) {
    const status = device.atmos.status();
    log(`settled: ${device.name} status ${JSON.stringify(status)}`);
    if (status.failed || status.pending || status.inFlight || !status.online) problems.push(`${device.name}: after settling status() is ${JSON.stringify(status)}`);
    if (!device.atmos.live.connected) problems.push(`${device.name}: live is not connected after settling`);
  }
}

/** What a trace shows of a request body: the fields the devices own, and the version it is based on. */
function describeBody(req: ProxiedRequest): string {
  if (!req.body) return "";
  try {
    const { title, notes, deleted } = JSON.parse(req.body);
    const ifMatch = req.headers["if-match"];
    return ` ${JSON.stringify({ title, notes, deleted })}${ifMatch ? ` If-Match ${ifMatch}` : ""}`;
  } catch {
    return "";
  }
}
