import type { Clock } from "./clock";
import type { Store } from "../store/store";

/**
 * Which tab sends the outbox. Only the holder of the lease sends, so two tabs
 * of one app never send the same change twice; the others see the results
 * through storage change notifications.
 */
export interface TabLease {
  /** Whether this tab holds the lease, as far as it knows (its answers are its own to apply). */
  readonly held: boolean;
  /**
   * Whether this tab holds it now, before a send or for an answer: a lease
   * that can lapse (a holder whose timers were held back: a throttled
   * background tab, a sleep, a clock step) is read again then, renewed when
   * it is still this tab's, else let go. Known at once (no Promise) when
   * nothing needs reading. Without it, `held` says.
   */
  confirm?(): boolean | Promise<boolean>;
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
 * A lease written in storage with an expiry, for browsers without Web Locks
 * (an http:// origin other than localhost, Safari before 15.4): the holder
 * renews it every `renewMs`. Another tab takes it over once it went
 * unrenewed for `ttlMs` of that tab's own ticks, or once it expired by the
 * clock and stayed unchanged for two of them: a tab that died loses it
 * within `ttlMs` + `renewMs` (4.5 s by default; API.md promises 5 s).
 *
 * The expiry alone is not trusted: after the system clock stepped forward
 * (a laptop woken, an NTP fix), every lease looks expired, and a tab took
 * it from a holder alive and sending. Nor is the holder's own word: one
 * whose timers Chrome held back (a background tab's run once a minute)
 * went on sending after another tab took over, and the change was made
 * twice. A holder whose last renewal is not recent (well inside the time
 * another tab waits before it takes over) reads the lease again before it
 * sends (`confirm`), and renews it, or lets it go.
 *
 * A page that goes away (`pagehide`) lets go of the lease, so the next
 * page opened takes it at once; one that comes back from the back/forward
 * cache competes again.
 */
export class StorageLease implements TabLease {
  private holding = false;
  private decide!: () => void;
  readonly decided = new Promise<void>((resolve) => (this.decide = resolve));
  private timer: unknown;
  private stopped = false;
  /** When this tab last renewed the lease, by its clock. */
  private renewedAt = -Infinity;
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

  get held(): boolean {
    return this.holding;
  }

  /** Renewed lately enough that no other tab can have taken it over. */
  private get fresh(): boolean {
    const since = this.clock.now() - this.renewedAt;
    // Stepped back since (a negative time): not fresh until renewed (within a tick).
    return since >= 0 && since < this.ttlMs - this.renewMs;
  }

  confirm(): boolean | Promise<boolean> {
    if (!this.holding || this.stopped) return false;
    // At once as a rule: a save's send waits for nothing here.
    return this.fresh || this.readAgain();
  }

  /** Renews the lease when it is still this tab's, else lets it go: whether this tab holds it. */
  private async readAgain(): Promise<boolean> {
    try {
      const current = await this.store.get<LeaseRecord>(this.key);
      // Gone (another tab held it, and let go) or another's: what that tab did is read at the next acquire.
      if (current?.owner !== this.owner) return (this.holding = false);
      const now = this.clock.now();
      await this.store.put(this.key, { owner: this.owner, expires: now + this.ttlMs });
      this.renewedAt = now;
    } catch {
      // Storage could not say: kept as it was.
    }
    return this.holding;
  }

  start(onAcquired: () => void): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        const current = await this.store.get<LeaseRecord>(this.key);
        const now = this.clock.now();
        const ours = current?.owner === this.owner;
        const unchanged = current && !ours ? this.unchangedTicks(current) : 0;
        if (!current || ours || unchanged * this.renewMs >= this.ttlMs || (current.expires <= now && unchanged >= 2)) {
          await this.store.put(this.key, { owner: this.owner, expires: now + this.ttlMs });
          // Read back: when two tabs race, the last writer wins and the other sees it.
          const check = await this.store.get<LeaseRecord>(this.key);
          const mine = check?.owner === this.owner;
          // Held by this tab all along only if the lease it read was its own: else another tab had it meanwhile.
          const kept = this.holding && ours;
          if (mine) this.renewedAt = now;
          this.holding = mine;
          if (mine && !kept) onAcquired();
        } else this.holding = false;
      } catch {
        this.holding = false;
      }
      this.decide();
      if (!this.stopped) this.timer = this.clock.setTimeout(tick, this.renewMs);
    };
    this.followPage(() => {
      if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
      void tick();
    });
    void tick();
  }

  /** Lets go of the lease when the page goes away; `back` runs when it comes back from the back/forward cache. */
  private followPage(back: () => void): void {
    const page = globalThis as { addEventListener?: (type: string, fn: (event: { persisted?: boolean }) => void) => void; removeEventListener?: (type: string, fn: (event: { persisted?: boolean }) => void) => void };
    if (typeof page.addEventListener !== "function") return;
    const hide = () => {
      if (!this.holding) return;
      this.holding = false;
      void this.store.delete(this.key).catch(() => undefined);
    };
    const show = (event: { persisted?: boolean }) => {
      if (event.persisted && !this.stopped) back();
    };
    page.addEventListener("pagehide", hide);
    page.addEventListener("pageshow", show);
    this.unfollowPage = () => {
      page.removeEventListener?.("pagehide", hide);
      page.removeEventListener?.("pageshow", show);
    };
  }

  private unfollowPage?: () => void;

  /**
   * For how many of this tab's ticks another tab's lease has gone unchanged
   * (unrenewed). Counted so, `ttlMs` of them is expired whatever its time
   * says: written just before the system clock stepped back an hour, it
   * looked held for that hour, and no tab sent anything.
   */
  private unchangedTicks(current: LeaseRecord): number {
    const lease = `${current.owner} ${current.expires}`;
    this.seen = this.seen?.lease === lease ? { lease, ticks: this.seen.ticks + 1 } : { lease, ticks: 0 };
    return this.seen.ticks;
  }

  release(): void {
    this.stopped = true;
    this.unfollowPage?.();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.holding) void this.store.delete(this.key).catch(() => undefined);
    this.holding = false;
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

  confirm(): boolean | Promise<boolean> {
    const tabs = this.page.tabs.confirm?.() ?? this.page.tabs.held;
    return typeof tabs === "boolean" ? this.held : tabs.then(() => this.held);
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
