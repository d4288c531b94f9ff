import type { AuthMessage } from "../../lib/live/live-protocol";
import type { ReplayRead } from "./change-log";
import { EVERY_CHANNEL, type LiveHub } from "./live-hub";

/** What a socket that just authenticated missed, read from the change log before `ready` is sent. */
export interface MissedChanges {
  /** The channels `ready.seq` lists: the socket's own, or every channel the log knows for "*". */
  followed: string[];
  /** The last seq the client applied per channel (none: a first connection to that channel). */
  since: Record<string, number>;
  /**
   * Per followed channel, in order: where it stands (`entries` null when the
   * client cannot catch up there and resyncs). What it missed is read when
   * its turn in the replay comes (one channel's at a time: read all at once
   * before `ready`, a client coming back on hundreds of channels made the
   * server hold channels × replayBytes for it).
   */
  reads: ReplayRead[];
  /** Whether the client's seqs count in this epoch (else it resyncs instead of replaying). */
  trusted: boolean;
}

/**
 * Reads what the client missed. A socket following every channel hears
 * where each one stands; a client coming back (it names the epoch it was
 * in) also gets every change of the channels that began while it was away:
 * it follows them too, and has seen none of their changes.
 */
export async function readMissed(hub: LiveHub, channels: string[], auth: AuthMessage): Promise<MissedChanges> {
  // Seqs of another epoch count something else: then only where the channels stand.
  const sameEpoch = () => auth.epoch === undefined || auth.epoch === hub.epoch;
  // Own keys only: a channel named like an Object method (toString) has no seq unless the client gave one.
  let since: Record<string, number> = Object.assign(Object.create(null), auth.since);
  let followed = channels;
  // Named in `since` by a socket following every channel, unknown to the log:
  // nothing to read (reading would track each name, and a client may name
  // thousands); a client that counted changes there missed them: it resyncs.
  let unlogged: Set<string> | undefined;
  if (channels.includes(EVERY_CHANNEL)) {
    const known = await hub.channels();
    const logged = new Set(known);
    unlogged = new Set(Object.keys(since).filter((channel) => !logged.has(channel)));
    followed = [...new Set([...Object.keys(since), ...known])];
    const given = since;
    if (auth.epoch !== undefined) since = Object.assign(Object.create(null), Object.fromEntries(followed.map((channel) => [channel, given[channel] ?? 0])));
  }
  const counted = sameEpoch();
  const reads = await Promise.all(
    followed.map((channel): ReplayRead | Promise<ReplayRead> => {
      const from = counted ? since[channel] : undefined;
      if (unlogged?.has(channel)) return { current: 0, entries: from ? null : [] };
      return hub.read(channel, undefined);
    }),
  );
  // Asked again: reading may have found that the log started again.
  return { followed, since, reads, trusted: sameEpoch() };
}
