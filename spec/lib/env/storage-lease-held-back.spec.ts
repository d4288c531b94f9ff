import { expect } from "chai";
import { Atmos, ManualConnectivity, StorageLease, WebStorageStore, type Clock } from "../../../lib";
import type { ChangeFeed } from "../../../lib/store/change-feed";
import { FakeClock } from "../../fakes/fake-clock";
import { MemoryStorage } from "../../fakes/memory-storage";
import { feedPair, throttleable } from "../../fakes/tab-pair";
import { forgetInMemory, resetModels, Todo } from "../models";

/**
 * Found by a review of paused and throttled pages: tabs without Web Locks
 * (an http:// origin other than localhost, Safari before 15.4) take turns
 * sending through a lease in storage. A tab whose timers were held back (a
 * throttled background tab, a laptop asleep, the system clock stepped) went
 * on sending after another tab took the lease over, or lost the lease while
 * alive and sending: the change was made twice at servers that ignore
 * Idempotency-Key, or an older edit reached the server after a newer one.
 */
/** One tab's settings: its server (`fetch`), the clock its lease's timers run on, its network. */
interface TabOptions {
  fetch: typeof globalThis.fetch;
  leaseClock?: Clock;
  connectivity?: ManualConnectivity;
}

/**
 * A json-server-like create endpoint (ignores Idempotency-Key): each POST
 * makes a new record, answered `delayMs` later. `seen` hears each request
 * first (it throws while the network is down).
 */
function jsonServer(clock: FakeClock, delayMs: number, seen: (init: RequestInit | undefined) => void = () => undefined): typeof globalThis.fetch {
  let nextId = 1;
  return (async (_url: string, init?: RequestInit) => {
    seen(init);
    const id = nextId++;
    if (delayMs) await new Promise<void>((resolve) => clock.setTimeout(resolve, delayMs));
    return new Response(JSON.stringify({ ...JSON.parse(String(init?.body)), id }), { status: 201, headers: { "Content-Type": "application/json" } });
  }) as typeof globalThis.fetch;
}

/** The Idempotency-Key a request carries. */
const keyOf = (init: RequestInit | undefined) => new Headers(init?.headers).get("idempotency-key");

describe("the storage lease when a tab's timers are held back", () => {
  const opened: Atmos[] = [];
  let clock: FakeClock;
  let storage: MemoryStorage;
  beforeEach(() => {
    resetModels();
    clock = new FakeClock();
    storage = new MemoryStorage();
  });
  afterEach(() => opened.splice(0).forEach((atmos) => atmos.close()));

  /** A tab of the app on the shared storage, with a storage lease of its own. */
  function openTab(name: string, feed: ChangeFeed | undefined, { fetch, leaseClock = clock, connectivity }: TabOptions): Atmos {
    const atmos = new Atmos({ storage, feed, clock, connectivity, lease: new StorageLease(new WebStorageStore(storage), "atmos2:lease", name, leaseClock) });
    atmos.resourceClient.base = "http://api.test";
    atmos.resourceClient.fetch = fetch;
    opened.push(atmos);
    return atmos;
  }

  describe("a background tab whose timers are throttled, holding the storage lease", () => {

    it("does not send a change the tab that took the lease over sends too (one create at the server)", async () => {
      const posts: string[] = [];
      // Answering 300 ms after a request.
      const fetch = jsonServer(clock, 300, (init) => posts.push(`${init?.body} key=${keyOf(init)}`));
      const [feedA, feedB] = feedPair();
      const clockA = throttleable(clock);
      const a = openTab("tab-a", feedA, { fetch, leaseClock: clockA });
      await clock.advance(100);
      const b = openTab("tab-b", feedB, { fetch }); // the tab the user works in (Atmos.instance: the models save through it)
      await clock.advance(2000);
      expect((a as any).lease.held, "tab A sends first").to.equal(true);
      expect((b as any).lease.held).to.equal(false);

      // The user leaves tab A in the background for good.
      clockA.hidden = true;
      await clock.advance(10_000);
      expect((b as any).lease.held, "tab B took the lease over").to.equal(true);

      // In tab B, the user adds a task.
      new Todo({ title: "buy milk", done: false }).save({ remote: true });
      await clock.advance(5_000);

      await clock.advance(120_000);
      // The user reloads the page (both tabs closed, one opened again).
      opened.splice(0).forEach((atmos) => atmos.close());
      forgetInMemory(Todo);
      const reloaded = new Atmos({ storage, clock });
      opened.push(reloaded);
      await Todo.sync();
      const shown = Todo.all().map((t) => `${t.id} ${t.title}`);
      expect(posts, "POST requests the server got").to.have.length(1);
      expect(shown, "tasks shown after a reload").to.have.length(1);
    });
  });

  describe("edits made while a throttled background tab still takes itself for the sender", () => {

    it("leaves the server with the newest title (no older update sent after a newer one)", async () => {
      const arrived: string[] = [];
      const rows = new Map<number, Record<string, unknown>>();
      let nextId = 1;
      // A Rails-like API (ignores Idempotency-Key). `oneWay` ms on the way there and back.
      const server = (oneWay: number) => async (url: string, init?: RequestInit) => {
        const body = JSON.parse(String(init?.body ?? "{}"));
        const path = new URL(url).pathname;
        await new Promise<void>((resolve) => clock.setTimeout(resolve, oneWay));
        arrived.push(`${init?.method} ${path} ${body.title}`);
        let answer: Record<string, unknown>;
        if (init?.method === "POST") rows.set(nextId, (answer = { ...body, id: nextId++ }));
        else {
          const id = Number(path.split("/").pop());
          rows.set(id, (answer = { ...rows.get(id), ...body, id }));
        }
        await new Promise<void>((resolve) => clock.setTimeout(resolve, oneWay));
        return new Response(JSON.stringify(answer), { status: init?.method === "POST" ? 201 : 200, headers: { "Content-Type": "application/json" } });
      };
      const [feedA, feedB] = feedPair();
      const clockA = throttleable(clock);
      // Tab A's requests take 1.5 s each way (one request on a slow connection); tab B's 50 ms.
      const a = openTab("tab-a", feedA, { fetch: server(1500) as typeof globalThis.fetch, leaseClock: clockA });
      await clock.advance(100);
      const b = openTab("tab-b", feedB, { fetch: server(50) as typeof globalThis.fetch });
      await clock.advance(2000);
      expect((a as any).lease.held).to.equal(true);
      new Todo({ title: "v0", done: false }).save({ remote: true });
      await clock.advance(5000);
      expect([...rows.values()].map((r) => r.title)).to.deep.equal(["v0"]);

      // Tab A stays in the background (throttled); tab B takes over.
      clockA.hidden = true;
      await clock.advance(10_000);
      expect((b as any).lease.held, "tab B sends now").to.equal(true);

      // In tab B the user renames the task twice, a second apart.
      Todo.find("1").updateAttributes({ title: "v1" }, { remote: true } as any);
      await clock.advance(1000);
      Todo.find("1").updateAttributes({ title: "v2" }, { remote: true } as any);
      await clock.advance(120_000);

      expect(JSON.parse(storage.getItem("atmos2:rec:Todo:1")!).attrs.title, "stored").to.equal("v2");
      expect(rows.get(1)!.title, "the server's title").to.equal("v2");
    });
  });

  describe("a slow create answered after the lease moved to another tab", () => {

    it("keeps one record, synced, when a server that honours Idempotency-Key answers both tabs", async () => {
      const requests: string[] = [];
      const byKey = new Map<string, number>();
      let nextId = 1;
      let first = true;
      const errors: string[] = [];
      // Honours Idempotency-Key: a key seen before gets the record it made. The first request is slow (20 s).
      const fetch = async (url: string, init?: RequestInit) => {
        const key = new Headers(init?.headers).get("idempotency-key")!;
        requests.push(`${init?.method} ${new URL(url).pathname}`);
        const id = byKey.get(key) ?? nextId++;
        byKey.set(key, id);
        const delay = first ? 20_000 : 300;
        first = false;
        await new Promise<void>((resolve) => clock.setTimeout(resolve, delay));
        return new Response(JSON.stringify({ ...JSON.parse(String(init?.body)), id }), { status: 201, headers: { "Content-Type": "application/json" } });
      };
      const [feedA, feedB] = feedPair();
      const clockA = throttleable(clock);
      const tab = (name: string, feed: ChangeFeed, leaseClock: Clock) => {
        const atmos = openTab(name, feed, { fetch: fetch as typeof globalThis.fetch, leaseClock });
        atmos.on("error", (e) => errors.push(`${name}: ${e.status} ${e.error.message}`));
        return atmos;
      };
      const a = tab("tab-a", feedA, clockA);
      await clock.advance(100);
      const b = tab("tab-b", feedB, clock);
      await clock.advance(2000);
      expect((a as any).lease.held).to.equal(true);

      // A task is saved and tab A (the sender) sends its create; the answer is slow.
      new Todo({ title: "buy milk", done: false }).save({ remote: true });
      await clock.advance(50);
      expect(requests).to.have.length(1);
      // Tab A goes to the background for good (its timers throttled to once a minute).
      clockA.hidden = true;
      await clock.advance(120_000);

      const stored = storage.keys().filter((k) => k.includes("rec:Todo")).map((k) => [k, JSON.parse(storage.getItem(k)!).failed?.message ?? "ok"]);
      expect((b as any).lease.held).to.equal(true);
      expect(stored, "records in storage (what a reload shows)").to.deep.equal([["atmos2:rec:Todo:1", "ok"]]);
      expect(errors).to.deep.equal([]);
    });
  });

  describe("two tabs (storage lease) when the laptop wakes from sleep", () => {

    it("sends the change queued before the sleep once (one create at the server)", async () => {
      const posts: string[] = [];
      let online = false;
      // Answering 200 ms after a request.
      const fetch = jsonServer(clock, 200, (init) => {
        if (!online) throw new TypeError("Failed to fetch");
        posts.push(`${init?.method} ${init?.body} key=${keyOf(init)}`);
      });
      const [feedA, feedB] = feedPair();
      const tab = (name: string, feed: ChangeFeed) => {
        const connectivity = new ManualConnectivity();
        return { atmos: openTab(name, feed, { fetch, connectivity }), connectivity };
      };
      const a = tab("tab-a", feedA);
      await clock.advance(800);
      const b = tab("tab-b", feedB); // its lease timer runs 800 ms after tab A's, each second
      await clock.advance(1850);
      expect((a.atmos as any).lease.held, "tab A sends").to.equal(true);

      // Offline, the user adds a task; tab A tries it and waits to try again.
      new Todo({ title: "written on the train", done: false }).save({ remote: true });
      await clock.advance(50);
      // The lid closes: an hour passes on the system clock, none on the timers.
      clock.stepWallClock(60 * 60 * 1000);
      // The lid opens: tab B's lease timer happens to run first; a moment later the network is back.
      await clock.advance(150);
      online = true;
      a.connectivity.set(true);
      b.connectivity.set(true);
      await clock.advance(60_000);

      expect(posts, "POST requests the server got").to.have.length(1);
      expect(storage.keys().filter((k) => k.includes("rec:Todo")), "records stored (what a reload shows)").to.have.length(1);
    });
    it("leaves a create that is on its way to the tab that sent it when the system clock steps forward (an NTP fix)", async () => {
      const posts: string[] = [];
      // Answering 2 s after a request.
      const fetch = jsonServer(clock, 2000, (init) => posts.push(`${init?.method} ${init?.body} key=${keyOf(init)}`));
      const [feedA, feedB] = feedPair();
      const a = openTab("tab-a", feedA, { fetch });
      await clock.advance(800);
      const b = openTab("tab-b", feedB, { fetch });
      await clock.advance(1850);
      expect((a as any).lease.held).to.equal(true);
      new Todo({ title: "call the plumber", done: false }).save({ remote: true });
      await clock.advance(50);
      expect(posts).to.have.length(1);
      // The system clock is corrected 10 s forward while the create is on its way; both tabs run on.
      clock.stepWallClock(10_000);
      await clock.advance(30_000);
      expect(posts, "POST requests the server got").to.have.length(1);
    });
  });

  /**
   * Found by a review of the change above: a tab alone whose timers were held
   * back waited up to a minute to send, and push() resolved with nothing
   * sent; and one that renewed after another tab had held the lease (and let
   * it go, its last news lost) sent that tab's create again.
   */
  describe("a throttled tab, alone or after another tab held the lease", () => {

    const answering = (posts: Array<{ at: number; body: string }>, delayMs = 0) => jsonServer(clock, delayMs, (init) => posts.push({ at: clock.now(), body: String(init?.body) }));

    for (const how of ["a remote save", "push()"] as const) {
      it(`sends at once on ${how} when it is the only tab, hidden long enough to be throttled, and push() resolves after the send`, async () => {
        const posts: Array<{ at: number; body: string }> = [];
        const throttled = throttleable(clock);
        const atmos = openTab("only", undefined, { fetch: answering(posts), leaseClock: throttled });
        await clock.advance(2000);
        throttled.hidden = true;
        await clock.advance(80_000);
        const kicked = clock.now();
        let pushed: number | undefined;
        if (how === "a remote save") new Todo({ title: "from a live message", done: false }).save({ remote: true });
        else {
          new Todo({ title: "held", done: false }).save();
          void atmos.push().then(() => (pushed = clock.now()));
        }
        await clock.advance(100);
        expect(posts.map((p) => p.at - kicked), "sent within 100 ms").to.deep.equal([0]);
        if (how === "push()") expect(pushed, "push() resolved once the create was answered").to.be.a("number");
        await clock.advance(120_000);
        expect(posts).to.have.length(1);
      });
    }

    for (const news of ["lost", "delivered"] as const) {
      it(`does not send again a create another tab sent while it held the lease and then closed (its last news ${news})`, async () => {
        const posts: Array<{ at: number; body: string }> = [];
        const lost = { second: false };
        const [feedA, feedB] = feedPair(lost);
        const throttled = throttleable(clock);
        const fetch = answering(posts, 200);
        openTab("tab-a", feedA, { fetch, leaseClock: throttled });
        await clock.advance(100);
        const b = openTab("tab-b", feedB, { fetch });
        await clock.advance(2000);
        throttled.hidden = true;
        await clock.advance(10_000);
        new Todo({ title: "buy milk", done: false }).save({ remote: true });
        await clock.advance(1);
        lost.second = news === "lost";
        await clock.advance(1000);
        expect(posts).to.have.length(1);
        b.close();
        await clock.advance(120_000);
        expect(posts.map((p) => JSON.parse(p.body).title), "POSTs").to.deep.equal(["buy milk"]);
      });
    }
  });
});
