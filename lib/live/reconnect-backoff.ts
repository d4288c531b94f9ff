/** How long to wait between reconnect attempts. */
export interface BackoffOptions {
  /** Ceiling of the first wait, in ms. Default 500. */
  initialMs?: number;
  /** Largest wait, in ms. Default 30,000. */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per attempt up
 * to `maxMs`, and the wait is drawn from its upper half, so a server that
 * restarts is not hit by every client in the same millisecond, yet no client
 * retries sooner than half the ceiling.
 *
 * @param attempt 0 for the first retry after a drop
 * @param random a number in [0, 1) (injected, so specs can pin it)
 */
export function reconnectDelay(attempt: number, random: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
