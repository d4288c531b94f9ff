import { classifyFailure } from "./retry-policy";
import type { SyncError } from "./sync-error";
import type { SyncHost } from "./sync-host";

/**
 * What a request that is not an outbox send (a pull, an `execute()`) says of
 * the network and the credentials, decided as for a send: no answer (or an
 * offline status) takes the Atmos offline, through `goOffline`; a 401 holds
 * auth_success for the next accepted request; any other answer (a success,
 * a 4xx, a 5xx) says the network is up. A failure that never left (a setup
 * mistake) says nothing.
 */
export function noteOutcome(host: SyncHost, failure: SyncError | undefined, goOffline: () => void): void {
  const kind = failure && classifyFailure(failure, "index", host.offlineStatusCodes);
  if (kind === "offline") goOffline();
  else if (kind === "auth") host.authFailed();
  else if (!failure || failure.status > 0 || failure.answered) host.setOnline(true);
}
