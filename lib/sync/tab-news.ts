import type { TabLease } from "../env/tab-lease";
import { repointToMoved, showReloaded, type RemoteContext } from "./apply-remote";
import type { Pusher } from "./pusher";
import { settledElsewhere, type RememberedCalls } from "./settled-elsewhere";
import type { StatusBoard } from "./status-board";
import type { SyncHost } from "./sync-host";

/**
 * This tab among the app's others: which one sends the outbox (the lease),
 * and what another wrote to storage, shown in this one: the records it
 * changed, the callbacks and `error` events of this tab's changes it sent,
 * and, once this tab may send, what it left to send.
 */
export class TabNews {
  /** The news being shown: one piece at a time, in order. */
  private news: Promise<void> = Promise.resolve();
  /** Pieces heard and not yet shown. */
  private unshown = 0;

  constructor(
    private readonly parts: {
      remote: RemoteContext;
      host: SyncHost;
      board: StatusBoard;
      pusher: Pusher;
      /** The options and callbacks of this tab's remote calls, by op key. */
      callbacks: Map<string, RememberedCalls>;
    },
  ) {}

  /**
   * Takes part in choosing the tab that sends (once storage is read), and
   * sends the outbox whenever this tab becomes it.
   */
  takeTurnsSending(lease: TabLease): void {
    const { remote, pusher } = this.parts;
    let acquired = 0;
    // Another tab sent when this one opened: it may have closed right after
    // a write whose news never went out (a page gone before its IndexedDB
    // transaction's 'complete'), so storage is read then too.
    let waited = false;
    void lease.decided.then(() => (waited = !lease.held));
    lease.start(() => {
      if (acquired++ === 0 && !waited) return pusher.kick();
      // The sender after another one sent meanwhile (a tab, or a later Atmos
      // in this process): storage holds what it did, and nothing is sent
      // before it is read (the news of its last answers may not have come).
      pusher.catchUp(remote.meta.recordKeys().then((keys) => this.wrote(keys)));
    });
  }

  /** Another tab wrote these storage keys. */
  wrote(keys: string[]): Promise<void> {
    // Storage is read as it is now: a later piece read first must not be undone by an earlier one.
    this.unshown++;
    const shown = this.news.then(() => this.show(keys));
    this.news = shown.catch(() => undefined).then(() => void this.unshown--);
    return shown;
  }

  /** Settles once the news heard so far is shown (what it brings to send is counted then), or at once when there is none. */
  shown(): Promise<void> | undefined {
    return this.unshown > 0 ? this.news : undefined;
  }

  private async show(keys: string[]): Promise<void> {
    const { remote, host, board, pusher } = this.parts;
    const changes = await remote.meta.reload(keys);
    // The sending tab points a record another tab made at its parent's server id, if that tab had not heard of it.
    if (host.isLeader()) for (const change of changes) if (change.entry) repointToMoved(remote, change.entry);
    showReloaded(remote, changes);
    if (!host.isLeader()) settledElsewhere(host, this.parts.callbacks, changes, pusher.toldOfFailure);
    for (const change of changes) if (change.entry) board.changed(change.entry);
    if (changes.length) {
      board.changed();
      pusher.kick();
    }
  }
}
