import { EARLIEST_MS, LATEST_MS } from "./resources";

/**
 * Reading RFC 3339 timestamps strictly. `Date.parse` rolls impossible dates
 * over (February 30 becomes March 1) and accepts years RFC 3339 cannot write
 * back; a client that sent such a value must hear about it, not find a
 * different date stored.
 */

const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2})))?$/;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** ms since epoch, or the reason the text is not a timestamp this API stores. */
export type ParsedTime = { ms: number } | { problem: string };

/** Reads `2024-05-01T10:00:00.000Z` or `…+02:00`. A date alone is refused, as Google Tasks refuses it. */
export function parseRfc3339(text: string): ParsedTime {
  const m = FORMAT.exec(text);
  if (!m) return { problem: 'expected an RFC 3339 timestamp such as "2024-05-01T00:00:00.000Z"' };
  if (m[4] === undefined) return { problem: `a date alone is not an RFC 3339 timestamp (Google Tasks refuses it too); send "${text}T00:00:00.000Z"` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = m[4] === undefined ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6])];
  if (year < 1) return { problem: "years run from 0001 to 9999" };
  if (month < 1 || month > 12) return { problem: `there is no month ${m[2]}` };
  if (day < 1 || day > daysIn(year, month)) return { problem: `${MONTHS[month - 1]} ${m[1]} has no day ${m[3]}` };
  // A leap second (:60) is refused rather than moved to the next minute.
  if (hour > 23 || minute > 59 || second > 59) return { problem: `${m[4]}:${m[5]}:${m[6]} is not a time of day` };
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return { problem: `${m[9]}${m[10]}:${m[11]} is not a UTC offset` };
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, "0"));
  const utc = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}.${String(millis).padStart(3, "0")}Z`);
  const ms = utc - offsetMinutes * 60_000;
  // An offset can push a valid local time out of range (9999-12-31T23:00-05:00).
  if (Number.isNaN(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return { problem: "the time in UTC must fall in the years 0001 to 9999" };
  return { ms };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
