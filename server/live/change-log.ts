import { LiveChange } from "../../lib/live/live-protocol";

/** A change with its place in its channel's sequence. */
export interface SequencedChange {
  channel: string;
  seq: number;
  change: LiveChange;
  /** The numbering `seq` is in (Redis only; see ChangeLog.epoch). */
  epoch?: string;
  /**
   * The `change` frame, serialised once and shared by every socket it is sent
   * to: a fan-out to thousands of sockets must not stringify thousands of times.
   */
  frame?: Buffer;
}

/** The `change` frame of an entry as every socket is sent it (SequencedChange.frame). */
export function changeFrame(channel: string, seq: number, change: LiveChange): Buffer {
  return Buffer.from(JSON.stringify({ type: "change", channel, seq, change }));
}

/** What a reconnecting socket needs: where the channel is and what it missed. */
export interface ReplayRead {
  /** Seq of the last change published on the channel (0 if none). */
  current: number;
  /** Changes after `since`, in order; null when the log no longer covers them. */
  entries: SequencedChange[] | null;
}

/**
 * The seam between the hub and where sequence numbers live: process memory
 * (one process) or Redis (several processes sharing channels). Either way,
 * seq assignment and the replay-log append happen as one step, and `deliver`
 * sees each channel's changes exactly once, in seq order.
 */
export interface ChangeLog {
  /** Changes on every restart of the sequence (memory mode) so old seqs are not trusted. */
  readonly epoch: string;
  /**
   * `restarted`: the sequence started again under a new epoch (Redis lost its
   * data). `followed`: whether a socket of this process follows a channel (a
   * log may forget what it keeps of channels that are neither followed nor
   * written to). `everySince`: the lowest seq of `channel` the sockets of
   * this process that follow every channel have had (0: one never had it;
   * undefined: there is no such socket), so that what they missed can be
   * caught up.
   */
  start(
    deliver: (entry: SequencedChange) => void,
    lost: (channel: string, current: number) => void,
    restarted: () => void,
    followed?: (channel: string) => boolean,
    everySince?: (channel: string) => number | undefined,
  ): Promise<void>;
  /** Assigns consecutive seqs, keeps the changes for replay, delivers them; resolves with the last seq. */
  append(channel: string, changes: LiveChange[]): Promise<number>;
  /** `since` undefined: only `current`. */
  read(channel: string, since: number | undefined): Promise<ReplayRead>;
  /** Every channel a change was ever published on (in this epoch). */
  channels(): Promise<string[]>;
  /**
   * A socket now follows `channel` from `seq` (it has what came before).
   * Other sockets of this process (one following every channel) may still
   * need the changes before `seq` that are on their way.
   */
  track(channel: string, seq: number): void;
  /**
   * Channels this process holds state for (for operators and tests): in
   * memory, every channel's seq and log; with Redis, where delivery stands
   * for the channels it delivered changes of or that its sockets follow.
   */
  readonly trackedChannels: number;
  /** Whether a change could be published now: memory, always; Redis, while both its connections are up. */
  readonly reachable: boolean;
  /** Whether it answers within `ms` (Redis: a PING; a paused Redis keeps its connections up). Memory: always. */
  answers?(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The replay-log lookup both logs share: entries strictly after `since`, or null if trimmed away. */
export function entriesAfter(log: SequencedChange[], since: number, current: number): SequencedChange[] | null {
  if (since > current) return null; // the client counts from another sequence (restart)
  if (since === current) return [];
  const first = log[0];
  if (!first || first.seq > since + 1) return null;
  return log.filter((entry) => entry.seq > since && entry.seq <= current);
}
