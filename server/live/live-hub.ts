import { LiveChange, LiveChangeType } from "../../lib/live/live-protocol";
import { ChangeLog, ReplayRead, SequencedChange } from "./change-log";
import { LiveInputError, validateChange, validateChannel } from "./change-validation";

/** Something that follows channels: a socket connection, or a test probe. */
export interface ChannelSubscriber {
  receive(entry: SequencedChange): void;
  /** The hub could not deliver changes up to `seq`: the subscriber's client must pull. */
  resync(channel: string, seq: number): void;
  /**
   * The seqs started again under a new epoch (a Redis that lost its data):
   * the seqs this subscriber saw count in the old numbering. A socket closes
   * (its client reconnects with the old epoch and resyncs).
   */
  restart?(): void;
  /** The last seq of `channel` this subscriber has had, if any. */
  lastSeq?(channel: string): number | undefined;
}

/** The channel name a subscriber uses to follow every channel. */
export const EVERY_CHANNEL = "*";

/**
 * Routes changes to the subscribers of their channel. Publishing goes through
 * the change log (which numbers them and, with Redis, carries them to every
 * process); delivery comes back from the log in seq order.
 */
export class LiveHub {
  private subscribers = new Map<string, Set<ChannelSubscriber>>();

  constructor(
    private log: ChangeLog,
    /** Resolves once the log is usable (Redis connected); publishing waits for it. */
    private started: Promise<void>,
  ) {}

  /**
   * Publishes changes on a channel; resolves with the seq of the last one.
   * Rejects with a LiveInputError naming the field when a change is malformed.
   */
  async publish(channel: string, change: LiveChange | LiveChange[]): Promise<number> {
    const name = validateChannel(channel);
    const list = Array.isArray(change) ? change : [change];
    if (list.length === 0) throw new LiveInputError("publish needs at least one change");
    const changes = list.map((c, i) => validateChange(c, list.length > 1 ? `change[${i}]` : "change"));
    await this.started;
    return this.log.append(name, changes);
  }

  /**
   * Backbone.IO's `backend.emit`: `hub.emit("updated", "tasks", attrs, { channel })`.
   * The id is taken from `attrs.id`.
   */
  async emit(type: LiveChangeType, collection: string, attrs: Record<string, unknown>, options: { channel: string }): Promise<number> {
    if (!options || typeof options.channel !== "string") {
      throw new LiveInputError(`hub.emit("${type}", "${collection}", attrs, { channel }) needs options.channel`);
    }
    const id = attrs?.id;
    if (id === undefined || id === null) throw new LiveInputError(`hub.emit("${type}", "${collection}", attrs): attrs.id is missing`);
    return this.publish(options.channel, { type, collection, id: id as string, attrs });
  }

  /** Current seq of a channel and, with `since`, what came after it. */
  async read(channel: string, since: number | undefined): Promise<ReplayRead> {
    await this.started;
    const result = await this.log.read(channel, since);
    this.log.track(channel, result.current);
    return result;
  }

  /** Every channel a change was published on: where a socket following every channel stands. */
  async channels(): Promise<string[]> {
    await this.started;
    return this.log.channels();
  }

  get epoch(): string {
    return this.log.epoch;
  }

  /** Follows `channel` (or EVERY_CHANNEL); returns the unsubscribe function. */
  subscribe(channel: string, subscriber: ChannelSubscriber): () => void {
    let set = this.subscribers.get(channel);
    if (!set) this.subscribers.set(channel, (set = new Set()));
    set.add(subscriber);
    return () => this.unsubscribe(channel, subscriber);
  }

  /** Stops `subscriber` following `channel` (a no-op if it did not). */
  unsubscribe(channel: string, subscriber: ChannelSubscriber): void {
    const set = this.subscribers.get(channel);
    if (!set?.delete(subscriber)) return;
    if (set.size === 0) this.subscribers.delete(channel);
  }

  /** Whether a subscriber follows `channel`, by name or by following every channel. */
  follows(channel: string): boolean {
    // Sets are removed once empty, so presence is enough.
    return this.subscribers.has(channel) || this.subscribers.has(EVERY_CHANNEL);
  }

  /**
   * Where the subscribers following every channel stand on `channel`: the
   * lowest seq they have had (0 when one never had any); undefined when
   * none follows every channel.
   */
  everySince(channel: string): number | undefined {
    const every = this.subscribers.get(EVERY_CHANNEL);
    if (!every) return undefined;
    let lowest: number | undefined;
    for (const subscriber of every) {
      const seq = subscriber.lastSeq?.(channel) ?? 0;
      if (lowest === undefined || seq < lowest) lowest = seq;
    }
    return lowest;
  }

  /** Called by the change log, in seq order per channel. */
  deliver(entry: SequencedChange): void {
    const direct = this.subscribers.get(entry.channel);
    const every = this.subscribers.get(EVERY_CHANNEL);
    if (direct) for (const subscriber of direct) subscriber.receive(entry);
    if (every) for (const subscriber of every) subscriber.receive(entry);
  }

  /** Called by the change log when the seqs start again under a new epoch. */
  restarted(): void {
    const all = new Set<ChannelSubscriber>();
    for (const set of this.subscribers.values()) for (const subscriber of set) all.add(subscriber);
    for (const subscriber of all) subscriber.restart?.();
  }

  /** Called by the change log when changes up to `seq` can no longer be delivered. */
  lost(channel: string, seq: number): void {
    for (const key of [channel, EVERY_CHANNEL]) {
      for (const subscriber of this.subscribers.get(key) ?? []) subscriber.resync(channel, seq);
    }
  }
}
