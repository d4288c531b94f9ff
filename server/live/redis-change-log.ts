import { randomUUID } from "node:crypto";
import type * as Redis from "redis";
import { Clock, systemClock } from "../../lib/env/clock";
import { LiveChange } from "../../lib/live/live-protocol";
import { ChangeLog, ReplayRead, SequencedChange } from "./change-log";
import { DeliveredSeqs } from "./delivered-seqs";
import { APPEND_SCRIPT, NEW_EPOCH_SCRIPT, READ_SCRIPT } from "./redis-scripts";
import { loadOptionalPackage } from "./optional-package";
import { answersWithin, closeClients, passwordHint, pubsubChannelOf, reconnectOnceConnected, withoutPassword } from "./redis-connection";
import { withinTime } from "./time-limit";

type RedisClient = ReturnType<typeof Redis.createClient>;

export interface RedisChangeLogOptions {
  url: string;
  replayLimit: number;
  /** Bytes of entries a channel's log keeps (the latest always). Default 4 MiB. */
  replayBytes?: number;
  /**
   * A channel's log is dropped after this long without a change (ms; 0 = kept).
   * After as long (10 min when logs are kept), a channel no socket of this
   * process follows is forgotten here too.
   */
  replayIdleMs?: number;
  /** What idle times are measured by; the system clock by default. */
  clock?: Clock;
  /** Prefix of every key and of the pub/sub channel; processes that share channels share it. */
  keyPrefix?: string;
  /** Where connection trouble is reported (the client keeps reconnecting). */
  onError?: (error: Error) => void;
  /** How long start() waits for Redis to answer (ms; 10 s by default). */
  startTimeoutMs?: number;
}

/** How long an unfollowed channel is remembered when logs are kept forever (replayIdleMs 0). */
const FORGET_AFTER_MS = 10 * 60_000;

/** A change from pub/sub, or a channel to catch up from the log (from `since`, or from where delivery stands). */
type QueueItem = { entry: SequencedChange } | { catchUp: string; since?: number };

/**
 * Several processes: Redis holds the seq counters and the replay logs, and
 * pub/sub carries each change to every process (the publishing one included,
 * so all processes see the same order). Each process delivers a channel's
 * changes strictly in seq order; when pub/sub skipped some (a subscriber
 * reconnect), it fills the hole from the Redis log first. (Delivery, catch-up
 * and the epoch checks share the delivery marks and the queue: one class,
 * a little over 300 lines; connecting and closing are in redis-connection.ts.)
 */
export class RedisChangeLog implements ChangeLog {
  epoch = "";
  private connected = false;
  private client: RedisClient;
  private subscriber: RedisClient;
  private prefix: string;
  private pubsubChannel: string;
  private delivered: DeliveredSeqs;
  private queue: QueueItem[] = [];
  private draining = false;
  private deliver: (entry: SequencedChange) => void = () => {};
  private lost: (channel: string, current: number) => void = () => {};
  private restarted: () => void = () => {};
  /** Epochs left for a newer one: entries still carrying them do not bring them back. */
  private retired = new Set<string>();
  private everySince: (channel: string) => number | undefined = () => undefined;

  constructor(private options: RedisChangeLogOptions) {
    this.prefix = options.keyPrefix ?? "atmos2:";
    this.pubsubChannel = pubsubChannelOf(options.url, this.prefix);
    this.delivered = new DeliveredSeqs(options.clock ?? systemClock, options.replayIdleMs || FORGET_AFTER_MS);
    // Until the first connection, a failure rejects start() instead (one
    // clear error rather than an endless stream of retries).
    const onError = (error: Error) => {
      if (this.connected) options.onError?.(error);
    };
    const { createClient } = loadOptionalPackage<typeof Redis>("redis", "redisUrl (REDIS_URL) is set");
    const reconnectStrategy = reconnectOnceConnected(() => this.connected);
    try {
      this.client = createClient({ url: options.url, socket: { reconnectStrategy } });
    } catch (error) {
      throw new Error(`redisUrl (REDIS_URL) must look like redis://host:6379 (${(error as Error).message})`);
    }
    this.client.on("error", onError);
    this.subscriber = this.client.duplicate();
    this.subscriber.on("error", onError);
  }

  async start(
    deliver: (entry: SequencedChange) => void,
    lost: (channel: string, current: number) => void,
    restarted: () => void,
    followed: (channel: string) => boolean = () => true,
    everySince: (channel: string) => number | undefined = () => undefined,
  ): Promise<void> {
    this.deliver = deliver;
    this.lost = lost;
    this.restarted = restarted;
    this.everySince = everySince;
    const waitMs = this.options.startTimeoutMs ?? 10_000;
    try {
      const epoch = await withinTime(this.connectAndReadEpoch(), waitMs);
      // A socket that accepts and never answers (not Redis, or a Redis stopped) would hold the start for ever.
      if (epoch === undefined) throw new Error(`it accepted the connection but did not answer within ${waitMs / 1000} s`);
      this.epoch = epoch;
    } catch (error) {
      await Promise.allSettled([this.client.destroy(), this.subscriber.destroy()]);
      throw new Error(`cannot reach Redis at ${withoutPassword(this.options.url)}: ${(error as Error).message}${passwordHint(this.options.url, error as Error)}`);
    }
    this.connected = true;
    await this.subscriber.subscribe(this.pubsubChannel, (message) => this.onMessage(message));
    // After a reconnect of the subscriber, messages published meanwhile were
    // never received: catch up every channel this process holds a mark for,
    // which includes every channel a socket here follows by name (the others
    // are forgotten when idle: see delivered-seqs.ts). A socket following
    // every channel follows the channels that began meanwhile too, and those
    // this process forgot: each of those is caught up from where such
    // sockets stand. (The first connection's "ready" has fired by now: each
    // one from here on is a reconnect.)
    this.subscriber.on("ready", () => {
      const marked = new Set(this.delivered.channels());
      for (const channel of marked) this.enqueue({ catchUp: channel });
      // No socket here follows every channel: the marked channels are all.
      if (everySince("") === undefined) return;
      this.channels().then(
        (all) => {
          for (const channel of all) {
            const since = marked.has(channel) ? undefined : everySince(channel);
            if (since !== undefined) this.enqueue({ catchUp: channel, since });
          }
        },
        (error: Error) => this.options.onError?.(error),
      );
    });
    this.delivered.startSweeping(followed);
  }

  /** Connects both clients and reads the epoch, starting one when Redis has none: the counters' numbering, which lives as long as they do. */
  private async connectAndReadEpoch(): Promise<string> {
    await Promise.all([this.client.connect(), this.subscriber.connect()]);
    await this.client.set(this.epochKey, randomUUID(), { condition: "NX" });
    return (await this.client.get(this.epochKey)) ?? "";
  }

  async append(channel: string, changes: LiveChange[]): Promise<number> {
    // Read before the counter moves: every seq this append gets is above it, unless Redis went back.
    const [delivered, epoch] = [this.delivered.get(channel), this.epoch];
    const reply = (await this.client.eval(APPEND_SCRIPT, {
      keys: [this.seqKey(channel), this.logKey(channel), `${this.prefix}channels`, this.epochKey, `${this.prefix}logbytes:${channel}`],
      arguments: [
        String(this.options.replayLimit), this.pubsubChannel, JSON.stringify(channel), String(this.options.replayIdleMs ?? 0), channel, randomUUID(),
        String(this.options.replayBytes ?? 4 * 1024 * 1024), ...changes.map((c) => JSON.stringify(c)),
      ],
    })) as unknown[];
    const seq = Number(reply[0]);
    this.follow(String(reply[1]));
    if (delivered !== undefined && seq - changes.length < delivered) await this.wentBack(channel, epoch, String(reply[1]));
    return seq;
  }

  async read(channel: string, since: number | undefined): Promise<ReplayRead> {
    // Read before the counter is: pub/sub may deliver a later change before this answer is handled.
    const [delivered, epoch] = [this.delivered.get(channel), this.epoch];
    const reply = (await this.client.eval(READ_SCRIPT, {
      keys: [this.seqKey(channel), this.logKey(channel), this.epochKey],
      arguments: [String(since ?? Number.MAX_SAFE_INTEGER), randomUUID()],
    })) as unknown[];
    this.follow(String(reply[0]));
    const current = Number(reply[1]);
    if (delivered !== undefined && current < delivered && (await this.wentBack(channel, epoch, String(reply[0])))) return { current, entries: null };
    if (since === undefined) return { current, entries: [] };
    if (Number(reply[2]) !== 1) return { current, entries: null };
    const entries = reply.slice(3).map((raw) => JSON.parse(String(raw)) as SequencedChange);
    // Only this channel's: two names Redis would store as one key must never share changes.
    return { current, entries: entries.filter((e) => e.seq <= current && e.channel === channel) };
  }

  async channels(): Promise<string[]> {
    return this.client.sMembers(`${this.prefix}channels`);
  }

  track(channel: string, seq: number): void {
    this.delivered.start(channel, seq);
  }

  get reachable(): boolean {
    return this.connected && this.client.isReady && this.subscriber.isReady;
  }

  /**
   * Checks made while one waits share its PING, and a PING answered holds
   * for a second: however many /health requests arrive, Redis answers about
   * one PING a second for them. A check that failed holds only until the next.
   */
  answers(ms: number): Promise<boolean> {
    if (Date.now() - this.answeredAt < 1000) return Promise.resolve(true);
    return (this.answering ??= answersWithin(this.client, ms).then((answered) => {
      this.answering = undefined;
      if (answered) this.answeredAt = Date.now();
      return answered;
    }));
  }
  private answering?: Promise<boolean>;
  private answeredAt = -Infinity;

  get trackedChannels(): number {
    return this.delivered.size;
  }

  async close(): Promise<void> {
    this.delivered.stop();
    this.queue = [];
    await closeClients([this.subscriber, this.client]);
  }

  private get epochKey(): string {
    return `${this.prefix}epoch`;
  }

  /**
   * The epoch Redis holds now. Another one than this process's means Redis
   * lost its counters (a restart without persistence): the seqs start again
   * at 1, so what was delivered counts in the old numbering. Every socket is
   * asked to reconnect; they come back with the old epoch and resync.
   */
  private follow(epoch: string): void {
    if (!epoch || epoch === this.epoch || this.retired.has(epoch)) return;
    // An entry of the old numbering still on its way must not bring it back.
    if (this.epoch) this.retired.add(this.epoch);
    if (this.retired.size > 100) this.retired.delete(this.retired.values().next().value as string);
    this.epoch = epoch;
    this.delivered.clear();
    this.queue = this.queue.filter((item) => "catchUp" in item || item.entry.epoch === undefined || item.entry.epoch === epoch);
    this.restarted();
  }

  /**
   * A channel's counter is below a seq this process delivered: Redis came
   * back from an older snapshot (or a replica that lagged), with the epoch
   * of then. The seqs from here would count changes other than the ones
   * the clients applied under those numbers, and be skipped as delivered:
   * a new epoch is started (once, whichever process sees it first) and
   * announced, so every process asks its sockets to reconnect and resync.
   */
  private async wentBack(channel: string, seenIn: string, answeredIn: string): Promise<boolean> {
    // Seen under an epoch left since (this or another request found it first), or counted in another one: nothing to start.
    if (seenIn !== this.epoch || answeredIn !== seenIn) return false;
    this.options.onError?.(new Error(`Redis's seq of channel ${JSON.stringify(channel)} went back below one already delivered (restored from an older snapshot?): starting a new epoch, clients resync`));
    const epoch = (await this.client.eval(NEW_EPOCH_SCRIPT, {
      keys: [this.epochKey],
      arguments: [seenIn, randomUUID(), this.pubsubChannel],
    })) as string;
    this.follow(epoch);
    return true;
  }

  private seqKey(channel: string): string {
    return `${this.prefix}seq:${channel}`;
  }

  private logKey(channel: string): string {
    return `${this.prefix}log:${channel}`;
  }

  private onMessage(message: string): void {
    let entry: SequencedChange;
    try {
      entry = JSON.parse(message) as SequencedChange;
    } catch {
      this.options.onError?.(new Error(`ignored a malformed message on ${this.pubsubChannel}`));
      return;
    }
    if (entry.epoch !== undefined) this.follow(entry.epoch);
    // A new epoch announced (see wentBack): no change of its own.
    if (entry.channel === undefined) return;
    this.enqueue({ entry });
  }

  private enqueue(item: QueueItem): void {
    this.queue.push(item);
    void this.drain();
  }

  /** One item at a time, so a hole being filled holds back the changes after it. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const item = this.queue.shift()!;
        if ("catchUp" in item) await this.fill(item.catchUp, Number.MAX_SAFE_INTEGER, item.since);
        else {
          const { entry } = item;
          if (this.delivered.covers(entry.channel, entry.seq)) continue; // already delivered
          // A channel not delivered here yet: a socket following every
          // channel stands where it stands on it (0, a channel it never had),
          // so a change that is not the next one there (its first changes
          // published while pub/sub was down) is filled from the log first.
          const last = this.delivered.get(entry.channel) ?? this.everySince(entry.channel);
          if (last !== undefined && entry.seq > last + 1) await this.fill(entry.channel, entry.seq, last);
          this.deliverOne(entry);
        }
      }
    } catch (error) {
      this.options.onError?.(error as Error);
    } finally {
      this.draining = false;
    }
  }

  /** Delivers the logged changes between what was delivered (or `since`, for a channel not delivered here) and `before`. */
  private async fill(channel: string, before: number, since = 0): Promise<void> {
    const last = this.delivered.get(channel) ?? since;
    const { current, entries } = await this.read(channel, last);
    if (entries === null) {
      // Trimmed away: the sockets of this channel must pull instead.
      const upTo = Math.min(before - 1, current);
      this.delivered.set(channel, upTo);
      this.lost(channel, upTo);
      return;
    }
    for (const entry of entries) if (entry.seq < before) this.deliverOne(entry);
  }

  private deliverOne(entry: SequencedChange): void {
    if (this.delivered.covers(entry.channel, entry.seq)) return;
    this.delivered.set(entry.channel, entry.seq);
    this.deliver(entry);
  }
}
