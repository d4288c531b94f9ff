import type { SyncState } from "atmos2";
import { html, type SafeHtml } from "./html";

/**
 * A small mark next to a record that has not reached the server yet: a
 * pulsing dot while it waits or is being sent, a warning when refused.
 * Synced records show nothing, so the list stays calm.
 */
export function syncMark(state: SyncState): SafeHtml | "" {
  if (state === "failed") return html`<span class="sync-mark is-failed" title="Not saved: the server refused this change" role="img" aria-label="Not saved">!</span>`;
  if (state === "pending" || state === "local") {
    return html`<span class="sync-mark is-pending" title="Waiting to be saved on the server" role="img" aria-label="Not yet saved"></span>`;
  }
  return "";
}
