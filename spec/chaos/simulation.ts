import { Atmos, ManualConnectivity, soleTab } from "../../lib";
import { silentFeed } from "../../lib/store/change-feed";
import { FakeClock, settle } from "../fakes/fake-clock";
import { FakeNetwork, type Connection, type Fault, type WireRequest } from "../fakes/fake-network";
import { MemoryStorage } from "../fakes/memory-storage";
import { SeededRandom } from "../fakes/seeded-random";
import { forgetPage } from "../../lib/app-context/spine-state";
import { forgetInMemory, googleRoutes, List, models, Task } from "../lib/models";
import { FaultSchedule } from "./fault-schedule";
import { checkLocal, checkServer, outboxHolds, storedView, type LocalView } from "./invariants";
import { RestServer } from "./rest-server";
import { User } from "./user-actions";
import { UserIntent } from "./user-intent";

export interface SimulationOptions {
  /** Number of steps (user actions, waits, reloads…); drawn from the seed when omitted. */
  steps?: number;
  /** The server forgets Idempotency-Keys: for checking that the invariants catch duplicates. */
  forgetfulServer?: boolean;
  /** Also traces the local records after every step (slower; for replaying a failure). */
  watch?: boolean;
}

export interface RunResult {
  seed: number;
  ok: boolean;
  problems: string[];
  /** Every step and request of the run, for replaying a failure by eye. */
  trace: string[];
  steps: number;
  requests: number;
  reloads: number;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  /** Fake milliseconds the run lasted. */
  fakeMs: number;
}

const base = "https://chaos.test/v1";
/** Errors a faulty network causes; any other kind of error event is a finding. */
const expectedErrors = new Set(["network", "http", "timeout", "quota"]);

interface Page {
  atmos: Atmos;
  connection: Connection;
}

/**
 * One seeded run: a user edits lists and tasks while the network between the
 * client and the server fails in the ways the seed draws, the page reloads
 * and storage fills up; then the network heals, the outbox drains, and the
 * server, the local records and storage must all equal what the user did.
 */
export async function runSeed(seed: number, options: SimulationOptions = {}): Promise<RunResult> {
  const root = new SeededRandom(seed);
  const plan = root.fork("plan");
  const latency = root.fork("latency");
  const clock = new FakeClock();
  const start = clock.now();
  const storage = new MemoryStorage();
  const server = new RestServer(() => clock.now());
  const schedule = new FaultSchedule(root.fork("faults"));
  const connectivity = new ManualConnectivity();
  const intent = new UserIntent();
  const problems: string[] = [];
  const trace: string[] = [];
  const log = (line: string) => trace.push(`${String(clock.now() - start).padStart(7)} ms  ${line}`);

  const network = new FakeNetwork({
    clock,
    server: (request) => {
      const replays = server.replayed;
      const answer = options.forgetfulServer ? forgetful(server, request) : server.handle(request);
      log(`  server ${request.method} ${request.path} → ${answer.status}${server.replayed > replays ? " (replayed)" : ""}${process.env.CHAOS_BODIES ? ` ${JSON.stringify((request as { body?: unknown }).body ?? (request as { data?: unknown }).data ?? "")} -> ${JSON.stringify((answer as { body?: unknown }).body ?? "")}` : ""}`);
      return answer;
    },
    fault: (request) => {
      const fault = schedule.decide(request);
      log(`send ${request.method} ${request.path}${fault.kind === "none" ? "" : `  [${describeFault(fault)}]`}`);
      return fault;
    },
    latency: () => latency.between(5, 300),
    timeoutMs: 30000,
    onRequest: (request) => {
      const problem = outboxHolds(storage, request);
      if (problem) problems.push(problem);
    },
  });

  const open = (): Page => {
    const atmos = new Atmos({ storage, clock, random: root.fork(`atmos${reloads}`).next, connectivity, lease: soleTab, feed: silentFeed });
    const rc = atmos.resourceClient;
    rc.base = base;
    rc.routes = googleRoutes;
    const connection = network.connect();
    rc.fetch = connection.fetch;
    atmos.on("error", (e) => {
      if (!expectedErrors.has(String(e.type))) problems.push(`unexpected error event (${e.type}): ${e.error?.message}`);
    });
    return { atmos, connection };
  };

  let reloads = 0;
  resetModels();
  let page = open();
  const user = new User(root.fork("user"), intent, () => page.atmos);
  const steps = options.steps ?? plan.between(10, 50);
  let fullUntil = -1;
  let downUntil = -1;

  try {
    for (let step = 0; step < steps; step++) {
      if (step === fullUntil) {
        storage.quota = Infinity;
        log("storage: space freed");
      }
      if (step === downUntil) {
        schedule.down = false;
        connectivity.set(true);
        log("network: back online");
      }
      const what = plan.weighted({ user: 12, wait: 5, reload: 1, full: 0.6, offline: 0.6 });
      if (what === "user") log(`user: ${user.act()}`);
      else if (what === "wait") await clock.advance(plan.pick([20, 300, 1500, 5000, 40000]));
      else if (what === "reload") {
        // Unwritten changes (storage full) die with the page by nature; only reload when storage holds everything.
        if (storage.quota !== Infinity || !page.atmos.metaContext.clean) log("reload skipped: storage does not hold every change yet");
        else {
          page = await reload(page);
          log("page reloaded");
        }
      } else if (what === "full" && fullUntil < step) {
        storage.quota = usedChars(storage) + plan.between(0, 600);
        fullUntil = step + plan.between(1, 6);
        log(`storage: full (quota ${storage.quota}) until step ${fullUntil}`);
      } else if (what === "offline" && downUntil < step) {
        schedule.down = true;
        connectivity.set(false);
        downUntil = step + plan.between(1, 6);
        log(`network: offline until step ${downUntil}`);
      }
      await settle();
      if (options.watch) log(`  local: ${describeLocal(page.atmos)}`);
    }

    log("heal: no more faults, storage freed, online");
    schedule.healed = true;
    schedule.down = false;
    storage.quota = Infinity;
    connectivity.set(true);
    await drain(page);

    const status = page.atmos.status();
    if (status.failed || status.pending || status.inFlight || !status.online) problems.push(`after the drain status() is ${JSON.stringify(status)}`);
    problems.push(...user.anomalies);
    problems.push(...checkServer(server, intent));
    problems.push(...checkLocal("Spine", spineView(), server, intent));
    const stored = storedView(storage, problems);
    problems.push(...checkLocal("storage", stored, server, intent));
    page = await reload(page);
    problems.push(...checkLocal("after a reload, Spine", spineView(), server, intent));
  } catch (error) {
    problems.push(`the run threw: ${(error as Error)?.stack ?? error}`);
  } finally {
    page.connection.close();
    page.atmos.close();
    resetModels();
  }

  return {
    seed,
    ok: problems.length === 0,
    problems: [...new Set(problems)],
    trace,
    steps,
    requests: network.requests,
    reloads,
    faults: { ...schedule.counts },
    fakeMs: clock.now() - start,
  };

  async function reload(old: Page): Promise<Page> {
    old.connection.close();
    old.atmos.close();
    resetModels();
    reloads++;
    const next = open();
    await models.List.sync();
    await models.Task.sync();
    return next;
  }

  /** Sends everything left, moving fake time on until nothing is queued, in flight or on the wire. */
  async function drain(current: Page): Promise<void> {
    let pushed = false;
    current.atmos.push().then(
      () => (pushed = true),
      (error) => {
        pushed = true;
        problems.push(`push() rejected after healing: ${error?.message ?? error}`);
      },
    );
    for (let round = 0; ; round++) {
      await settle();
      const s = current.atmos.status();
      // A change shown "failed" by a 5xx is still sent again by itself: drained only when what is left is parked.
      const waiting = current.atmos.outbox().some((row) => row.state !== "parked");
      if (pushed && s.pending === 0 && s.inFlight === 0 && !waiting && network.busy === 0 && current.atmos.metaContext.clean) return;
      if (round > 5000 || !(await clock.runNext())) {
        problems.push(`the outbox did not drain: status() ${JSON.stringify(s)}, push() ${pushed ? "settled" : "unsettled"}, ${network.busy} on the wire, storage ${current.atmos.metaContext.clean ? "clean" : "unwritten"}`);
        return;
      }
    }
  }
}

/** A reload: Spine's memory is empty, storage keeps everything. */
function resetModels(): void {
  forgetInMemory(List);
  forgetInMemory(Task);
  // A new page knows none of the last one's ids (and runs are pages of their own).
  forgetPage();
}

function spineView(): LocalView {
  const plain = (r: any) => ({ ...r.attributes(), id: r.id });
  return { lists: models.List.all().map(plain), tasks: models.Task.all().map(plain) };
}

function describeLocal(atmos: Atmos): string {
  const show = (className: string) => (r: any) => `${r.title}${process.env.CHAOS_BODIES && r.notes ? `(${r.notes})` : ""}@${r.id.length > 12 ? r.id.slice(0, 4) : r.id}:${atmos.syncState(className, r.id)}`;
  return [...models.List.all().map(show("List")), ...models.Task.all().map(show("Task"))].join(" ");
}

function usedChars(storage: MemoryStorage): number {
  let total = 0;
  for (const key of storage.keys()) total += key.length + (storage.getItem(key) ?? "").length;
  return total;
}

/** A server without idempotency: every delivery executes. */
function forgetful(server: RestServer, request: WireRequest) {
  const { ["idempotency-key"]: _key, ...headers } = request.headers;
  return server.handle({ ...request, headers });
}

function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "status":
      return `${fault.status}${fault.retryAfter !== undefined ? ` Retry-After ${fault.retryAfter}` : ""}`;
    case "timeout":
      return `timeout, ${fault.reached ? "executed" : "not executed"}`;
    case "duplicate":
      return `duplicate after ${fault.lag} ms`;
    case "reorder":
      return `held back ${fault.delay} ms`;
    default:
      return fault.kind;
  }
}
