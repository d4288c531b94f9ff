import { randomUUID } from "node:crypto";
import { LiveChange } from "../../lib/live/live-protocol";
import { ChangeLog, ReplayRead, SequencedChange, changeFrame, entriesAfter } from "./change-log";

interface ChannelState {
  seq: number;
  log: SequencedChange[];
  /** The bytes of the log's frames. */
  bytes: number;
  /** When the last change was appended (ms). */
  lastAppend: number;
}

/**
 * One process, no Redis: seqs and the replay log live in memory, bounded to
 * `replayLimit` changes and `replayBytes` (of frames, the latest always
 * kept) per channel, and `totalBytes` over all of them: past it, the logs of
 * the channels written longest ago go first (their returning clients
 * resync). Everything is synchronous, so append order is delivery order. A channel with no change for `idleMs` loses its
 * log (its seq stays, so numbering never restarts): a client coming back
 * after that resyncs instead of replaying, and channels nobody writes to
 * any more hold no changes in memory.
 */
export class MemoryChangeLog implements ChangeLog {
  readonly epoch = randomUUID();
  readonly reachable = true;
  private states = new Map<string, ChannelState>();
  /** The channels whose logs hold changes, written longest ago first (moved to the end by each append). */
  private logged = new Map<string, ChannelState>();
  /** The bytes of every log. */
  private total = 0;
  private deliver: (entry: SequencedChange) => void = () => {};
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private replayLimit: number,
    /** 0 = logs are never dropped for idleness. */
    private idleMs = 0,
    private now: () => number = Date.now,
    private replayBytes = Infinity,
    private totalBytes = Infinity,
  ) {}

  async start(deliver: (entry: SequencedChange) => void): Promise<void> {
    this.deliver = deliver;
    if (this.idleMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(this.idleMs, 60_000));
      this.sweeper.unref();
    }
  }

  async append(channel: string, changes: LiveChange[]): Promise<number> {
    const state = this.state(channel);
    state.lastAppend = this.now();
    for (const change of changes) {
      const seq = ++state.seq;
      // Written once here: its size bounds the log, and every socket sends it as is.
      const frame = changeFrame(channel, seq, change);
      const entry: SequencedChange = { channel, seq, change, frame };
      const before = state.bytes;
      state.log.push(entry);
      state.bytes += frame.length;
      while (state.log.length > this.replayLimit || (state.bytes > this.replayBytes && state.log.length > 1)) state.bytes -= state.log.shift()!.frame!.length;
      this.total += state.bytes - before;
      this.deliver(entry);
    }
    // Written last now: the channel moves to the end of the order logs are dropped in.
    this.logged.delete(channel);
    this.logged.set(channel, state);
    for (const [name, oldest] of this.logged) {
      if (this.total <= this.totalBytes || name === channel) break;
      this.dropLog(name, oldest);
    }
    return state.seq;
  }

  async read(channel: string, since: number | undefined): Promise<ReplayRead> {
    const state = this.states.get(channel);
    const current = state?.seq ?? 0;
    if (since === undefined) return { current, entries: [] };
    return { current, entries: entriesAfter(state?.log ?? [], since, current) };
  }

  async channels(): Promise<string[]> {
    return Array.from(this.states.keys());
  }

  track(): void {
    // Delivery is synchronous with append: nothing can be in flight.
  }

  /** Drops the logs of channels idle for `idleMs` (run by a timer; callable directly). */
  sweep(): void {
    const before = this.now() - this.idleMs;
    for (const [channel, state] of this.logged) {
      if (state.lastAppend <= before) this.dropLog(channel, state);
    }
  }

  /** Every channel ever written: its seq must outlive its log, or numbering would restart. */
  get trackedChannels(): number {
    return this.states.size;
  }

  /** Changes held for replay, over every channel. */
  get retained(): number {
    let count = 0;
    for (const state of this.states.values()) count += state.log.length;
    return count;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.states.clear();
    this.logged.clear();
    this.total = 0;
  }

  /** Forgets a channel's log; its seq stays, so numbering never restarts. */
  private dropLog(channel: string, state: ChannelState): void {
    this.total -= state.bytes;
    state.log = [];
    state.bytes = 0;
    this.logged.delete(channel);
  }

  private state(channel: string): ChannelState {
    let state = this.states.get(channel);
    if (!state) this.states.set(channel, (state = { seq: 0, log: [], bytes: 0, lastAppend: 0 }));
    return state;
  }
}
