import { randomUUID } from "node:crypto";
import { LiveChange } from "../../lib/live/live-protocol";
import { ChangeLog, ReplayRead, SequencedChange, entriesAfter } from "./change-log";

interface ChannelState {
  seq: number;
  log: SequencedChange[];
}

/**
 * One process, no Redis: seqs and the replay log live in memory, bounded to
 * `replayLimit` changes per channel. Everything is synchronous, so append
 * order is delivery order.
 */
export class MemoryChangeLog implements ChangeLog {
  readonly epoch = randomUUID();
  private channels = new Map<string, ChannelState>();
  private deliver: (entry: SequencedChange) => void = () => {};

  constructor(private replayLimit: number) {}

  async start(deliver: (entry: SequencedChange) => void): Promise<void> {
    this.deliver = deliver;
  }

  async append(channel: string, changes: LiveChange[]): Promise<number> {
    const state = this.state(channel);
    for (const change of changes) {
      const entry: SequencedChange = { channel, seq: ++state.seq, change };
      state.log.push(entry);
      if (state.log.length > this.replayLimit) state.log.shift();
      this.deliver(entry);
    }
    return state.seq;
  }

  async read(channel: string, since: number | undefined): Promise<ReplayRead> {
    const state = this.channels.get(channel);
    const current = state?.seq ?? 0;
    if (since === undefined) return { current, entries: [] };
    return { current, entries: entriesAfter(state?.log ?? [], since, current) };
  }

  track(): void {
    // Delivery is synchronous with append: nothing can be in flight.
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  private state(channel: string): ChannelState {
    let state = this.channels.get(channel);
    if (!state) this.channels.set(channel, (state = { seq: 0, log: [] }));
    return state;
  }
}
