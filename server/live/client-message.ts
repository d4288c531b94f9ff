import { AuthMessage, ClientMessage, SyncMessage, SyncMethod } from "../../lib/live/live-protocol";
import { checkNesting, halfCharacter, LiveInputError, quoteInput, validateChannel } from "./change-validation";

const SYNC_METHODS: readonly SyncMethod[] = ["create", "read", "update", "delete"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses one text frame from a socket into a ClientMessage, or throws a
 * LiveInputError naming the field to fix. Sockets are untrusted input.
 */
export function parseClientMessage(data: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new LiveInputError("message is not valid JSON");
  }
  if (!isPlainObject(value)) throw new LiveInputError("message must be a JSON object");
  if (value.type === "auth") return parseAuth(value);
  if (value.type === "sync") return parseSync(value);
  throw new LiveInputError(`message.type must be "auth" or "sync" (got ${quoteInput(value.type)})`);
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

/** Reads the requestId of a frame that failed to parse, so the error can still be matched. */
export function requestIdOf(data: string): string | number | undefined {
  try {
    const value = JSON.parse(data) as { requestId?: unknown };
    return typeof value?.requestId === "string" || typeof value?.requestId === "number" ? value.requestId : undefined;
  } catch {
    return undefined;
  }
}
