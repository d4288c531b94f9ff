import { CHANGE_TYPES, LiveChange } from "../../lib/live/live-protocol";

/** Bad input from a backend or a socket: its message names the field to fix. */
export class LiveInputError extends Error {
  /** The requestId of the frame refused, when it could be read (so the client can match the error). */
  requestId?: string | number;
  constructor(message: string) {
    super(message);
    this.name = "LiveInputError";
  }
}

/** The most of an input value an error message quotes. */
const MAX_QUOTED_LENGTH = 60;

/**
 * `value` as JSON, cut to a few dozen characters: error messages name what
 * was wrong without echoing a megabyte a socket sent into the answer and the
 * server's log.
 */
export function quoteInput(value: unknown): string {
  if (typeof value === "string" && value.length > MAX_QUOTED_LENGTH) {
    return `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}… (${value.length} characters)`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Nested past what JSON.stringify can write (JSON.parse reads deeper), or a cycle.
    return "a value nested too deep to show";
  }
}

const MAX_CHANNEL_LENGTH = 200;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a channel name, if anything; `field` names it (e.g. `channel`). */
export function channelProblem(value: unknown, field = "channel"): string | undefined {
  if (typeof value !== "string" || value.length === 0) return `${field} must be a non-empty string`;
  if (value.length > MAX_CHANNEL_LENGTH) return `${field} is longer than ${MAX_CHANNEL_LENGTH} characters`;
  if (value === "*") return `${field} "*" is reserved for "every channel"`;
  // Printed in logs (atmos2-server's "joined" lines): a line break there forged a line of its own.
  if (CONTROL_CHARACTER.test(value)) return `${field} ${quoteInput(value)} holds a control character (a line break, a tab, an escape): channel names must be printable text`;
  // Redis keys are bytes: half a character becomes U+FFFD there, and two channels would share one log.
  return halfCharacter(value, field, "channel names");
}

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with a name that becomes a key (a channel, a collection, an id): half a character, if it holds one. */
export function halfCharacter(value: string, field: string, what: string): string | undefined {
  if (LONE_SURROGATE.test(value)) return `${field} ${quoteInput(value)} holds half a character (a lone UTF-16 surrogate): ${what} must be text`;
  return undefined;
}

/** Checks a channel name; throws a LiveInputError naming `field` when it is not one. */
export function validateChannel(value: unknown, field = "channel"): string {
  const problem = channelProblem(value, field);
  if (problem) throw new LiveInputError(problem);
  return value as string;
}

/** How deep a change's attributes may nest: far beyond any REST resource, far within what JSON.stringify can write. */
export const MAX_ATTRS_DEPTH = 100;

/** Whether objects and arrays in `value` nest deeper than `limit` levels (walked without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Throws a LiveInputError naming `field` when `value` nests deeper than a
 * change's attributes may: such a value could not be written back as JSON
 * (JSON.parse reads deeper than JSON.stringify writes).
 */
export function checkNesting(value: unknown, field: string): void {
  if (nestedDeeperThan(value, MAX_ATTRS_DEPTH)) throw new LiveInputError(`${field} nests objects or arrays deeper than ${MAX_ATTRS_DEPTH} levels`);
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
  // Checked before the change takes a seq: one that cannot be sent as JSON
  // would leave a gap in the channel and break every replay of it.
  if (attrs !== undefined) checkNesting(attrs, `${field}.attrs`);
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

/**
 * Calls `visit` with the code of each bracket or comma of JSON text that is
 * not in a string, until it returns true; whether it did. Linear: untrusted
 * text is looked at so before JSON.parse, whose cost a few shapes blow up.
 */
function someStructural(text: string, visit: (code: number) => boolean): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if ((c === 44 || c === 91 || c === 93 || c === 123 || c === 125) && visit(c)) return true;
  }
  return false;
}

/**
 * Whether JSON text opens more than `limit` arrays or objects inside one
 * another. Deep nesting costs JSON.parse far more than its size (a 1 MiB
 * "[[[[…" about half a second, the event loop stalled).
 */
export function nestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  return someStructural(text, (c) => {
    if (c === 91 || c === 123) return ++depth > limit;
    if (c === 93 || c === 125) depth--;
    return false;
  });
}

/**
 * Whether JSON text holds more than `limit` values in arrays and objects
 * (counted by their commas and opening brackets). JSON.parse's cost follows
 * the number of values more than the size: an 879 KiB frame of 300,000
 * empty objects took 108 to 228 ms here, where one long string is parsed at
 * once.
 */
export function holdsMoreValues(text: string, limit: number): boolean {
  return valuesIn(text, limit + 1) > limit;
}

/** The values JSON text holds in arrays and objects, counted as `holdsMoreValues` does, up to `cap`. */
export function valuesIn(text: string, cap: number): number {
  let count = 0;
  someStructural(text, (c) => c !== 93 && c !== 125 && ++count >= cap);
  return count;
}
