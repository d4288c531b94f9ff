/** WebSocket's "Service Restart": the client reconnects. */
export const SERVICE_RESTART = 1012;

/** WebSocket's "Try Again Later": the client keeps reconnecting with its back-off. */
export const TRY_AGAIN_LATER = 1013;

/**
 * `reason` cut to the 123 bytes a close frame holds, on a character boundary.
 * Only the first 123 characters can fit, so only they are looked at: trimming
 * a long reason one character at a time, measuring the rest each time, took
 * minutes for a megabyte, with the whole server stalled.
 */
export function closeReason(reason: string): string {
  let cut = "";
  let bytes = 0;
  for (const char of reason.slice(0, 123)) {
    // A surrogate half left by the slice is no character.
    if (char.length === 1 && char >= "\ud800" && char <= "\udfff") break;
    bytes += Buffer.byteLength(char);
    if (bytes > 123) break;
    cut += char;
  }
  return cut;
}
