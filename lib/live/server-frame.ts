import { CHANGE_TYPES, type ServerMessage } from "./live-protocol";

/**
 * A frame from the server, checked before the client acts on it: a broken or
 * hostile server's `null`, a `ready` without seqs or a change with a seq that
 * is not a whole number would otherwise throw inside the socket's handlers
 * (ending a Node process), stall the client, or apply a change twice.
 * Throws an Error saying what is wrong; returns the message as it came.
 */
export function readServerFrame(data: unknown): ServerMessage {
  let message: any;
  try {
    message = JSON.parse(String(data));
  } catch {
    throw new Error("live: the server sent a frame that is not JSON");
  }
  if (!message || typeof message != "object" || Array.isArray(message) || typeof message.type != "string") {
    throw new Error(`live: the server sent ${JSON.stringify(message)}, not a message with a "type"`);
  }
  const bad = (why: string) => new Error(`live: the server sent a "${message.type}" frame ${why}`);
  switch (message.type) {
    case "ready":
      if (!Array.isArray(message.channels) || !message.channels.every((c: unknown) => typeof c == "string")) throw bad('whose "channels" is not a list of channel names');
      if (!isObject(message.seq) || !Object.keys(message.seq).every((c) => isSeq(message.seq[c]))) throw bad('whose "seq" is not an object of channel → whole number');
      if (message.epoch !== undefined && typeof message.epoch != "string") throw bad('whose "epoch" is not a string');
      return message;
    case "change": {
      if (typeof message.channel != "string" || !isSeq(message.seq) || message.seq < 1) throw bad('without a "channel" and a whole-number "seq" from 1');
      const change = message.change;
      if (!isObject(change) || !CHANGE_TYPES.includes(change.type) || typeof change.collection != "string" || (typeof change.id != "string" && typeof change.id != "number") || (change.attrs != null && !isObject(change.attrs))) {
        throw bad(`(${message.channel} #${message.seq}) whose "change" is not { type: "created" | "updated" | "deleted", collection, id, attrs? }`);
      }
      return message;
    }
    case "resync":
      if (typeof message.channel != "string" || !isSeq(message.seq)) throw bad('without a "channel" and a whole-number "seq"');
      return message;
    case "error":
      if (typeof message.message != "string") throw bad('without a "message"');
      return message;
    default:
      return message;
  }
}

const isObject = (value: unknown): value is Record<string, any> => !!value && typeof value == "object" && !Array.isArray(value);
const isSeq = (value: unknown) => typeof value == "number" && Number.isSafeInteger(value) && value >= 0;
