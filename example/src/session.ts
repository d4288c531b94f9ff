import { FixedToken } from "./google-auth";

/** Where the signed-in person's token is kept (this browser only, until "Sign out"). */
export const sessionKey = "tasks-example:session";

/**
 * Keys of the signed-in person's local data: atmos2's records, outbox and
 * live positions, the app's remembered list and its names of lists (orphan-tasks.ts). The app config (no secret
 * in sign-in mode) stays, so a reload while offline still opens the page.
 */
const personalPrefixes = ["atmos2:", "tasks-example:selected-list", "tasks-example:list-names"];

/** The token kept by an earlier sign-in, if any. */
export function storedToken(storage: Storage = localStorage): string | undefined {
  return storage.getItem(sessionKey) || undefined;
}

/**
 * Keeps the token of a new sign-in. Local data left without a session (by a
 * sign-out cut short, or by the single-user mode this server ran in before)
 * belongs to nobody signed in now: it is dropped first, so one person's
 * changes can never be sent with another person's token.
 */
export function startSession(token: string, storage: Storage = localStorage): void {
  forgetLocalData(storage);
  storage.setItem(sessionKey, token);
}

/** A new token of the same person (changed on the server): kept, and so is their local data. */
export function keepToken(token: string, storage: Storage = localStorage): void {
  storage.setItem(sessionKey, token);
}

/** Forgets the token and every key of the person's local data. */
export function endSession(storage: Storage = localStorage): void {
  storage.removeItem(sessionKey);
  forgetLocalData(storage);
}

function forgetLocalData(storage: Storage): void {
  const doomed: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key && personalPrefixes.some((prefix) => key.startsWith(prefix))) doomed.push(key);
  }
  for (const key of doomed) storage.removeItem(key);
}

/**
 * A signed-in person's token. It cannot be renewed silently: when the server
 * refuses it (401: revoked or changed), `renew` hands over to `signInAgain`,
 * which asks the person (sign out, then the sign-in form).
 */
export class SessionToken extends FixedToken {
  override readonly canRenew: boolean = true;
  constructor(token: string, private readonly signInAgain: () => Promise<string>) {
    super(token);
  }
  override renew(): Promise<string> {
    return this.signInAgain();
  }
}
