/**
 * Task positions: 20-digit zero-padded decimal strings, like Google's, that
 * sort as text in sibling order. A new position is picked between its
 * neighbours; only when two neighbours are adjacent numbers must siblings
 * be renumbered (`spreadBetween`, those near the spot). Pure functions, no
 * database.
 */

const DIGITS = 20;
const SPACE = 10n ** BigInt(DIGITS); // positions are 0 … SPACE - 1
/** Distance kept when adding before the first or after the last sibling. */
const STEP = 10n ** 12n;
/** The least distance between positions renumbered near a spot: room for 20 more tasks added there. */
const MIN_GAP = 1n << 20n;

/** Formats a position number. */
export function formatPosition(n: bigint): string {
  return n.toString().padStart(DIGITS, "0");
}

/**
 * A position strictly between `before` and `after` (either may be missing:
 * first or last place), or undefined when there is no room left.
 */
export function positionBetween(before?: string, after?: string): string | undefined {
  const lo = before === undefined ? undefined : BigInt(before);
  const hi = after === undefined ? undefined : BigInt(after);
  if (lo === undefined && hi === undefined) return formatPosition(SPACE / 2n);
  // Ends move by a fixed step, so repeated "add at the top" (Google's default
  // place for a new task) does not halve the gap each time.
  if (lo === undefined) return hi! >= STEP ? formatPosition(hi! - STEP) : midpoint(-1n, hi!);
  if (hi === undefined) return lo + STEP < SPACE ? formatPosition(lo + STEP) : midpoint(lo, SPACE);
  return midpoint(lo, hi);
}

function midpoint(lo: bigint, hi: bigint): string | undefined {
  if (hi - lo < 2n) return undefined;
  return formatPosition(lo + (hi - lo) / 2n);
}

/**
 * `count` positions spread evenly strictly between `before` and `after`
 * (missing: the start or the end of the space), or undefined when they
 * would be closer than MIN_GAP: the caller then renumbers a wider stretch.
 */
export function spreadBetween(count: number, before?: string, after?: string): string[] | undefined {
  const lo = before === undefined ? -1n : BigInt(before);
  const hi = after === undefined ? SPACE : BigInt(after);
  const gap = (hi - lo) / BigInt(count + 1);
  if (gap < MIN_GAP) return undefined;
  return Array.from({ length: count }, (_, i) => formatPosition(lo + gap * BigInt(i + 1)));
}
