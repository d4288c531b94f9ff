import type { Atmos } from "atmos2";
import { List } from "./list-model";
import { keepToken } from "./session";
import { askForToken } from "./sign-in-form";

/** Signs out (asking first when changes would be lost), then opens the session of `next`; false when the person said no. */
export type SignOut = (atmos: Atmos, question: string, next: string) => Promise<boolean>;

/**
 * The server refused the session's token (changed or revoked there), and
 * the person clicked "Sign in": the sign-in form asks for the new token. A
 * token of the same account, one that reaches a list this browser holds
 * from the server, keeps the local data and what waits to be sent, which
 * then goes with it. Another account's (or one nothing here can be checked
 * against) takes over only once the person agrees to drop the unsent
 * changes: one person's changes are never sent with another's token.
 */
export async function signInAgain(atmos: Atmos, base: string, signOut: SignOut): Promise<string> {
  // The form alone, as at the first sign-in: the lists, the status and its "Sign in", the banner and Sign out wait behind it.
  const shown = ["#app", ".app-foot", "#status", "#account", "#offline-banner"]
    .map((selector) => document.querySelector<HTMLElement>(selector)!)
    .filter((el) => !el.hidden);
  for (const el of shown) el.hidden = true;
  const token = await askForToken(document.getElementById("sign-in")!, base);
  for (const el of shown) el.hidden = false;
  if (await sameAccount(atmos, base, token)) {
    keepToken(token);
    return token;
  }
  const switched = await signOut(atmos, "This token is for another account than the one whose lists are here. Sign in with it?", token);
  // Switched: the page reloads into that account.
  if (switched) return new Promise<string>(() => undefined);
  throw new Error("Sign-in cancelled");
}

/** Whether `token` reaches one of the lists this browser holds from the server (other accounts get 404). */
async function sameAccount(atmos: Atmos, base: string, token: string): Promise<boolean> {
  const known = List.all<List>()
    .map((list) => String(list.id))
    .filter((id) => atmos.metaContext.get("List", id)?.acked)
    .slice(0, 3);
  for (const id of known) {
    try {
      const answer = await fetch(`${base}/users/@me/lists/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
      if (answer.ok) return true;
    } catch {
      // Unreachable now: the next list may tell, else it is taken as another account's.
    }
  }
  return false;
}
