import type { IncomingMessage } from "node:http";
import { channelProblem, quoteInput } from "./change-validation";

/**
 * What `authenticate` decides about a token: the channels it may join (a list,
 * `"*"` for any, or a predicate) and, optionally, who it is (passed to the
 * backend as `req.user`). Returning a bare list or `"*"` is short for
 * `{ channels }`; returning null/false/undefined refuses the token (4401).
 */
export type AuthDecision =
  | { channels: string[] | "*" | ((channel: string) => boolean); user?: unknown }
  | string[]
  | "*";

export type Authenticate = (
  token: string,
  request: IncomingMessage,
) => AuthDecision | null | undefined | false | Promise<AuthDecision | null | undefined | false>;

/** A decision in one shape: who, which channels, and the list when one is known. */
export interface Grant {
  user?: unknown;
  /**
   * Channels a socket joins when it names none: a list, or every channel; null
   * for a predicate, which can only judge channels named to it (the socket
   * must name them).
   */
  defaults: string[] | "*" | null;
  allows(channel: string): boolean;
}

/**
 * Grants of frozen channel lists (the standalone server's token list hands
 * out the same frozen list for every socket of a token): built once and
 * shared, so 10,000 sockets on one token do not hold 10,000 copies of one
 * channel set. A list that is not frozen may change, so it is read each time.
 */
const sharedGrants = new WeakMap<object, Grant>();
const EVERY_CHANNEL_GRANT: Grant = Object.freeze({ defaults: "*" as const, allows: () => true });

export function toGrant(decision: AuthDecision): Grant {
  if (decision === "*") return EVERY_CHANNEL_GRANT;
  if (!Array.isArray(decision) || !Object.isFrozen(decision)) return buildGrant(decision);
  let grant = sharedGrants.get(decision);
  if (!grant) sharedGrants.set(decision, (grant = Object.freeze(buildGrant(decision))));
  return grant;
}

function buildGrant(decision: AuthDecision): Grant {
  const { channels, user } = Array.isArray(decision) || decision === "*" ? { channels: decision, user: undefined } : decision;
  if (channels === "*") return { user, defaults: "*", allows: () => true };
  if (typeof channels === "function") return { user, defaults: null, allows: (channel) => channel !== "*" && channels(channel) };
  if (!Array.isArray(channels)) throw new Error("authenticate must return { channels: string[] | \"*\" | (channel) => boolean }");
  // Only names that can be channels: "*" in a list (names made from user data) is not every channel.
  const set = new Set(channels.filter((channel) => channelProblem(channel) === undefined));
  return { user, defaults: [...set], allows: (channel) => set.has(channel) };
}

/**
 * Parses ATMOS_TOKENS (`token1:chanA,chanB;token2:*`) into an authenticate
 * hook for the standalone server. Throws naming the malformed entry's place.
 */
export function tokenListAuthenticator(spec: string): Authenticate {
  const tokens = new Map<string, string[] | "*">();
  const places = new Map<string, number>();
  // Errors name an entry by its place, never by its text: the text holds a
  // token, and startup errors end up in logs.
  spec.split(";").forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === "") return;
    const place = `ATMOS_TOKENS entry ${index + 1} (entries are separated by ";")`;
    const colon = entry.indexOf(":");
    if (colon <= 0) throw new Error(`${place} must look like token:channelA,channelB or token:*`);
    const token = entry.slice(0, colon).trim();
    const list = entry.slice(colon + 1).split(",").map((c) => c.trim()).filter((c) => c !== "");
    if (list.length === 0) throw new Error(`${place} names no channel after its token (use * for every channel)`);
    // Two grants for one token: which one was meant is the user's to say.
    const earlier = places.get(token);
    if (earlier !== undefined) throw new Error(`ATMOS_TOKENS entry ${index + 1} repeats the token of entry ${earlier}: give each token one entry, with all its channels`);
    places.set(token, index + 1);
    // Frozen: every socket of this token then shares one grant (see toGrant).
    Object.freeze(list);
    tokens.set(token, list.includes("*") ? "*" : list);
  });
  return (token) => tokens.get(token) ?? null;
}

/**
 * Why a socket holding `grant` may not join the `channels` its auth names,
 * one reason per channel refused (none: it may join them all). A name that
 * cannot be a channel is refused as one not allowed; "*" by name is every
 * channel, for a grant of every channel. More than `max` distinct names is
 * one reason, given before any name is judged.
 */
export function refusedChannels(grant: Grant, channels: string[], max = Infinity): string[] {
  const distinct = new Set(channels).size;
  if (distinct > max) return [`asks for ${distinct} channels; a socket may join at most ${max} channels`];
  return channels.flatMap((channel, i) => {
    if (channel === "*" && grant.defaults === "*" && grant.allows(channel)) return [];
    const problem = channelProblem(channel, `auth.channels[${i}]`);
    if (problem) return [problem];
    return grant.allows(channel) ? [] : [`not allowed to join channel ${quoteInput(channel)}`];
  });
}
