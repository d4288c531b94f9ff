import type { Clock } from "./clock";
import type { Store } from "../store/store";

/**
 * Which tab sends the outbox. Only the holder of the lease sends, so two tabs
 * of one app never send the same change twice; the others see the results
 * through storage change notifications.
 */
export interface TabLease {
  readonly held: boolean;
  /** Resolves once this tab knows whether it holds the lease (right after start). */
  readonly decided: Promise<void>;
  /** Starts competing for the lease; `onAcquired` runs each time this tab gets it. */
  start(onAcquired: () => void): void;
  /** Gives the lease up at once (atmos.close()). */
  release(): void;
}

/** One tab alone (Node, or an app that opts out): always the sender. */
export const soleTab: TabLease = { held: true, decided: Promise.resolve(), start: (fn) => fn(), release: () => undefined };

/**
 * Web Locks: the browser grants the lock to one tab and frees it the moment
 * that tab closes or crashes.
 */
export class WebLocksLease implements TabLease {
  held = false;
  private releaseLock?: () => void;
  private stopped = false;

  constructor(private readonly name: string, private readonly locks: { request: (name: string, options: object, fn: () => Promise<void>) => Promise<unknown> }) {}

  private decide!: () => void;
  readonly decided = new Promise<void>((resolve) => (this.decide = resolve));

  start(onAcquired: () => void): void {
    const hold = () => {
      if (this.stopped) return Promise.resolve();
      this.held = true;
      this.decide();
      onAcquired();
      return new Promise<void>((resolve) => (this.releaseLock = resolve));
    };
    // First ask without waiting, so push() right after a page opens knows at
    // once whether this tab sends; if another tab holds the lock, queue up.
    this.locks
      .request(this.name, { mode: "exclusive", ifAvailable: true }, ((lock: unknown) => {
        if (lock) return hold();
        this.decide();
        this.locks.request(this.name, { mode: "exclusive" }, hold).catch(() => undefined);
        return Promise.resolve();
      }) as () => Promise<void>)
      .catch(() => this.decide());
  }

  release(): void {
    this.stopped = true;
    this.held = false;
    this.decide();
    this.releaseLock?.();
  }
}

interface LeaseRecord {
  owner: string;
  expires: number;
}

/**
 * A lease written in storage with an expiry, for browsers without Web Locks:
 * the holder renews it every `renewMs`; another tab takes it over once it has
 * expired, at its next try: a tab that died loses it within `ttlMs` +
 * `renewMs` (4.5 s by default; API.md promises 5 s), and the holder has
 * 2.5 s of slack for a late timer (a background tab's run once a second).
 */
export class StorageLease implements TabLease {
  held = false;
  private decide!: () => void;
  readonly decided = new Promise<void>((resolve) => (this.decide = resolve));
  private timer: unknown;
  private stopped = false;
  /** Another tab's lease as last read, and since how many of this tab's ticks it is unchanged. */
  private seen?: { lease: string; ticks: number };

  constructor(
    private readonly store: Store,
    private readonly key: string,
    private readonly owner: string,
    private readonly clock: Clock,
    private readonly ttlMs = 3500,
    private readonly renewMs = 1000,
  ) {}

  start(onAcquired: () => void): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        const current = await this.store.get<LeaseRecord>(this.key);
        const now = this.clock.now();
        if (!current || current.owner === this.owner || current.expires <= now || this.unrenewed(current)) {
          await this.store.put(this.key, { owner: this.owner, expires: now + this.ttlMs });
          // Read back: when two tabs race, the last writer wins and the other sees it.
          const check = await this.store.get<LeaseRecord>(this.key);
          const mine = check?.owner === this.owner;
          if (mine && !this.held) {
            this.held = true;
            onAcquired();
          } else if (!mine) this.held = false;
        } else this.held = false;
      } catch {
        this.held = false;
      }
      this.decide();
      if (!this.stopped) this.timer = this.clock.setTimeout(tick, this.renewMs);
    };
    void tick();
  }

  /**
   * Whether another tab's lease has gone unrenewed for `ttlMs`, counted in
   * this tab's own ticks: expired, whatever its time says. Its time alone
   * is not enough: written just before the system clock stepped back an
   * hour, it looked held for that hour, and no tab sent anything.
   */
  private unrenewed(current: LeaseRecord): boolean {
    const lease = `${current.owner} ${current.expires}`;
    this.seen = this.seen?.lease === lease ? { lease, ticks: this.seen.ticks + 1 } : { lease, ticks: 0 };
    return this.seen.ticks * this.renewMs >= this.ttlMs;
  }

  release(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.held) void this.store.delete(this.key).catch(() => undefined);
    this.held = false;
  }
}

/**
 * The lease among the Atmos instances of this process (or page) open on one
 * storage: the last one made sends, as `Atmos.instance` is the last one made
 * (a test or a reload that makes a new Atmos without closing the old one
 * sends through the new one). An earlier one stops sending, and gets the
 * lease back when every later one is closed. The stacks live on the global
 * object, so two copies of atmos2 loaded side by side share them too.
 */
class InProcessLease implements TabLease {
  held = false;
  readonly decided = Promise.resolve();
  private onAcquired?: () => void;
  private stopped = false;

  constructor(private readonly stack: InProcessLease[]) {}

  start(onAcquired: () => void): void {
    // Closed before its stored entries were read: it never competes.
    if (this.stopped) return;
    this.onAcquired = onAcquired;
    const previous = this.stack[this.stack.length - 1];
    if (previous) previous.held = false;
    this.stack.push(this);
    this.take();
  }

  release(): void {
    this.stopped = true;
    const wasHolder = this.held;
    this.held = false;
    const at = this.stack.indexOf(this);
    if (at >= 0) this.stack.splice(at, 1);
    if (wasHolder) this.stack[this.stack.length - 1]?.take();
  }

  private take(): void {
    this.held = true;
    this.onAcquired?.();
  }
}

type LeaseStacks = WeakMap<object, Map<string, InProcessLease[]>>;

function inProcessLease(place: object, key: string): TabLease {
  const global = globalThis as { [stacks: symbol]: LeaseStacks };
  const all = (global[Symbol.for("atmos2.leases")] ??= new WeakMap());
  let byKey = all.get(place);
  if (!byKey) all.set(place, (byKey = new Map()));
  let stack = byKey.get(key);
  if (!stack) byKey.set(key, (stack = []));
  return new InProcessLease(stack);
}

/** The page's own lease among the tabs, shared by the Atmos instances of the page that compete for it. */
interface PageHold {
  tabs: TabLease;
  users: number;
  /** Run when the page gets the lease among the tabs: the instance that sends in the page takes it. */
  acquired: Set<() => void>;
}

/**
 * A page competes with the other tabs once, whatever number of Atmos it has
 * open on one storage; among those, the last one made sends (InProcessLease),
 * as in Node. Without this, a second Atmos made without closing the first
 * (a test per Atmos, a simulated reload) would wait for a lock its own page
 * holds, and every change would go out through the first one's resource
 * client (its base, headers, fetch).
 */
class PageLease implements TabLease {
  private onAcquired?: () => void;

  constructor(private readonly page: PageHold, private readonly inPage: TabLease, private readonly leave: () => void) {}

  get held(): boolean {
    return this.page.tabs.held && this.inPage.held;
  }

  get decided(): Promise<void> {
    return this.page.tabs.decided;
  }

  start(onAcquired: () => void): void {
    this.onAcquired = () => {
      if (this.held) onAcquired();
    };
    this.page.acquired.add(this.onAcquired);
    if (this.page.users++ === 0) this.page.tabs.start(() => this.page.acquired.forEach((fn) => fn()));
    this.inPage.start(this.onAcquired);
  }

  release(): void {
    if (this.onAcquired && this.page.acquired.delete(this.onAcquired) && --this.page.users === 0) {
      this.leave();
      this.page.tabs.release();
    }
    this.inPage.release();
  }
}

/**
 * Web Locks where the browser has them, else a storage lease in a browser.
 * In Node, and over a store no other tab sees (sessionStorage), only the
 * Atmos instances of this process share the storage: one of them sends.
 */
export function defaultLease(store: Store, key: string, owner: string, clock: Clock): TabLease {
  const nav = (globalThis as { navigator?: { locks?: WebLocksLease["locks"] } }).navigator;
  const isBrowser = typeof (globalThis as { document?: unknown }).document !== "undefined";
  // A Web Storage store is one of many over its storage object: that is the place shared.
  if (!isBrowser || store.sharedByTabs === false) return inProcessLease((store as { storage?: object }).storage ?? store, key);
  // One hold per lock name in the page, as the browser's Web Lock is one per name
  // (two IndexedDBStore objects of one page are two objects over one database).
  const global = globalThis as { [pages: symbol]: Map<string, PageHold> };
  const pages = (global[Symbol.for("atmos2.pageLeases")] ??= new Map());
  const inPage = inProcessLease(pages, key);
  let page = pages.get(key);
  if (!page) {
    const tabs = nav?.locks?.request ? new WebLocksLease(key, nav.locks) : new StorageLease(store, key, owner, clock);
    pages.set(key, (page = { tabs, users: 0, acquired: new Set() }));
  }
  const hold = page;
  return new PageLease(hold, inPage, () => pages.get(key) === hold && pages.delete(key));
}
