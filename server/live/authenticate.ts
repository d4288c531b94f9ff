import type { IncomingMessage } from "node:http";

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
  /** Channels a socket joins when it names none: a list, or every channel. */
  defaults: string[] | "*";
  allows(channel: string): boolean;
}

export function toGrant(decision: AuthDecision): Grant {
  const { channels, user } = Array.isArray(decision) || decision === "*" ? { channels: decision, user: undefined } : decision;
  if (channels === "*") return { user, defaults: "*", allows: () => true };
  if (typeof channels === "function") return { user, defaults: "*", allows: (channel) => channel !== "*" && channels(channel) };
  if (!Array.isArray(channels)) throw new Error("authenticate must return { channels: string[] | \"*\" | (channel) => boolean }");
  const set = new Set(channels);
  return { user, defaults: [...set], allows: (channel) => set.has(channel) };
}

/**
 * Parses ATMOS_TOKENS (`token1:chanA,chanB;token2:*`) into an authenticate
 * hook for the standalone server. Throws naming the malformed entry's place.
 */
export function tokenListAuthenticator(spec: string): Authenticate {
  const tokens = new Map<string, string[] | "*">();
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
    tokens.set(token, list.includes("*") ? "*" : list);
  });
  return (token) => tokens.get(token) ?? null;
}
