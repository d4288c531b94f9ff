import { CHANGE_TYPES, LiveChange } from "../../lib/live/live-protocol";

/** Bad input from a backend or a socket: its message names the field to fix. */
export class LiveInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LiveInputError";
  }
}

const MAX_CHANNEL_LENGTH = 200;

/** Checks a channel name; `field` names it in the error (e.g. `channel`). */
export function validateChannel(value: unknown, field = "channel"): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new LiveInputError(`${field} must be a non-empty string`);
  }
  if (value.length > MAX_CHANNEL_LENGTH) {
    throw new LiveInputError(`${field} is longer than ${MAX_CHANNEL_LENGTH} characters`);
  }
  if (value === "*") throw new LiveInputError(`${field} "*" is reserved for "every channel"`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Turns what a backend sent into a LiveChange, or throws naming the field.
 * Numeric ids (SQL backends) are accepted and become strings, because clients
 * key records by string id.
 */
export function validateChange(value: unknown, field = "change"): LiveChange {
  if (!isPlainObject(value)) throw new LiveInputError(`${field} must be an object`);
  const { type, collection, id, attrs } = value;
  if (!CHANGE_TYPES.includes(type as LiveChange["type"])) {
    throw new LiveInputError(`${field}.type must be "created", "updated" or "deleted"`);
  }
  if (typeof collection !== "string" || collection.length === 0) {
    throw new LiveInputError(`${field}.collection must be a non-empty string`);
  }
  if (!((typeof id === "string" && id.length > 0) || (typeof id === "number" && Number.isFinite(id)))) {
    throw new LiveInputError(`${field}.id must be a non-empty string or a number`);
  }
  if (attrs !== undefined && !isPlainObject(attrs)) {
    throw new LiveInputError(`${field}.attrs must be an object when given`);
  }
  const change: LiveChange = { type: type as LiveChange["type"], collection, id: String(id) };
  if (attrs !== undefined) change.attrs = attrs;
  return change;
}

/** Validates `changes: [...]` (non-empty) of a POST /update body. */
export function validateChanges(value: unknown, field = "changes"): LiveChange[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new LiveInputError(`${field} must be a non-empty array of changes`);
  }
  return value.map((change, i) => validateChange(change, `${field}[${i}]`));
}
