import { AuthMessage, ClientMessage, SyncMessage, SyncMethod } from "../../lib/live/live-protocol";
import { checkNesting, halfCharacter, holdsMoreValues, LiveInputError, MAX_ATTRS_DEPTH, nestsDeeper, quoteInput, validateChannel } from "./change-validation";
import type { ValueBudget } from "./value-budget";

const SYNC_METHODS: readonly SyncMethod[] = ["create", "read", "update", "delete"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one text frame from a socket into a ClientMessage, or throws a
 * LiveInputError naming the field to fix. Sockets are untrusted input.
 * `maxChannels` is given for a socket's first frame, which anyone may send
 * without a token: one holding more values than an auth message for that
 * many channels can (each named in channels and in since, twice over for
 * slack) is refused unparsed (see holdsMoreValues). A later frame is
 * counted against the socket's `budget` of values, and refused unparsed
 * past it (value-budget.ts).
 */
export function parseClientMessage(data: string, maxChannels?: number, budget?: ValueBudget): ClientMessage {
  // Deep nesting costs JSON.parse far more than its size (a 1 MiB frame of
  // "[[[[…" took ~300 ms, the event loop stalled for every socket): refused
  // by a linear scan first. The message itself and a sync's model add two levels.
  if (nestsDeeper(data, MAX_ATTRS_DEPTH + 2)) {
    const error = new LiveInputError(`message nests objects or arrays deeper than ${MAX_ATTRS_DEPTH} levels`);
    error.requestId = requestIdIn(data);
    throw error;
  }
  if (maxChannels !== undefined) {
    // Only a first frame is looked at so: a sync message's text is not scanned twice.
    const maxValues = 4 * maxChannels + 64;
    if (holdsMoreValues(data, maxValues)) throw new LiveInputError(`it holds more than ${maxValues} values, more than an auth message needs (a socket may join at most ${maxChannels} channels)`);
  }
  const overBudget = budget?.refusal(data);
  if (overBudget) throw Object.assign(new LiveInputError(overBudget), { requestId: requestIdIn(data) });
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new LiveInputError("message is not valid JSON");
  }
  if (!isPlainObject(value)) throw new LiveInputError("message must be a JSON object");
  try {
    if (value.type === "auth") return parseAuth(value);
    if (value.type === "sync") return parseSync(value);
    throw new LiveInputError(`message.type must be "auth" or "sync" (got ${quoteInput(value.type)})`);
  } catch (error) {
    // Parsed once: the requestId goes with the error, so the client can match it.
    const { requestId } = value;
    if (error instanceof LiveInputError && (typeof requestId === "string" || typeof requestId === "number")) error.requestId = requestId;
    throw error;
  }
}

/**
 * The requestId of a frame refused unparsed, read from its text (the first
 * one in it: the frame's own, or nothing the sender did not write).
 */
export function requestIdIn(data: string): string | number | undefined {
  const id = /"requestId"\s*:\s*(?:"((?:[^"\\]|\\.){0,200})"|(-?\d{1,15})\b)/.exec(data);
  return !id ? undefined : id[1] !== undefined ? id[1] : Number(id[2]);
}

function parseAuth(value: Record<string, unknown>): AuthMessage {
  const { token, channels, since, epoch } = value;
  // An empty token is allowed: authenticate may decide from the request (a cookie) instead.
  if (typeof token !== "string") throw new LiveInputError("auth.token must be a string");
  const message: AuthMessage = { type: "auth", token };
  if (channels !== undefined && channels !== null) {
    if (!Array.isArray(channels)) throw new LiveInputError("auth.channels must be an array of channel names");
    // Names are judged once the token is (live-connection.ts): a name that
    // cannot be a channel is refused as a channel not allowed (4403).
    message.channels = channels.map((c, i) => {
      if (typeof c !== "string") throw new LiveInputError(`auth.channels[${i}] must be a string`);
      return c;
    });
  }
  if (since !== undefined && since !== null) {
    if (!isPlainObject(since)) throw new LiveInputError("auth.since must be an object { channel: lastSeq }");
    message.since = Object.create(null) as Record<string, number>;
    for (const [channel, seq] of Object.entries(since)) {
      if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) {
        throw new LiveInputError(`auth.since[${quoteInput(channel)}] must be a non-negative integer`);
      }
      message.since[channel] = seq;
    }
  }
  if (epoch !== undefined && epoch !== null) {
    if (typeof epoch !== "string") throw new LiveInputError("auth.epoch must be a string");
    message.epoch = epoch;
  }
  return message;
}

function parseSync(value: Record<string, unknown>): SyncMessage {
  const { method, collection, model, requestId, channel, options } = value;
  if (typeof requestId !== "string" && typeof requestId !== "number") {
    throw new LiveInputError("sync.requestId must be a string or a number");
  }
  if (!SYNC_METHODS.includes(method as SyncMethod)) {
    throw new LiveInputError(`sync.method must be "create", "read", "update" or "delete"`);
  }
  if (typeof collection !== "string" || collection === "") throw new LiveInputError("sync.collection must be a non-empty string");
  if (model !== undefined && model !== null && !isPlainObject(model)) throw new LiveInputError("sync.model must be an object");
  if (options !== undefined && options !== null && !isPlainObject(options)) throw new LiveInputError("sync.options must be an object");
  // Keys of a store (Redis keys are bytes): half a character would make two names one.
  const halfName = halfCharacter(collection, "sync.collection", "collections") ?? (isPlainObject(model) && typeof model.id === "string" ? halfCharacter(model.id, "sync.model.id", "ids") : undefined);
  if (halfName) throw new LiveInputError(halfName);
  // Refused before a backend sees them: an answer echoing them could not be written.
  checkNesting(model, "sync.model");
  checkNesting(options, "sync.options");
  const message: SyncMessage = { type: "sync", method: method as SyncMethod, collection, requestId };
  if (isPlainObject(model)) message.model = model;
  if (isPlainObject(options)) message.options = options;
  if (channel !== undefined && channel !== null) message.channel = validateChannel(channel, "sync.channel");
  return message;
}
