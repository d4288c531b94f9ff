import { html } from "./html";

/** What checking a token against the API found. */
export type TokenCheck = { ok: true } | { ok: false; message: string };

/**
 * Asks the API whether it accepts the token: one small read, so a typo is
 * caught here and not by the first save.
 */
export async function checkToken(base: string, token: string): Promise<TokenCheck> {
  let response: Response;
  try {
    response = await fetch(`${base}/users/@me/lists?maxResults=1`, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  } catch {
    return { ok: false, message: "The server cannot be reached. Check your connection and try again." };
  }
  if (response.ok) return { ok: true };
  if (response.status === 401 || response.status === 403) return { ok: false, message: "This token was not accepted. Check it and try again." };
  if (response.status === 429) {
    const seconds = Number(response.headers.get("Retry-After"));
    const wait = Number.isFinite(seconds) && seconds > 0 ? `Wait ${Math.ceil(seconds)} s` : "Wait a minute";
    return { ok: false, message: `Too many wrong tokens were tried from this network. ${wait}, then try again.` };
  }
  return { ok: false, message: `The server answered ${response.status}. Try again in a moment.` };
}

/**
 * The sign-in form of a server with accounts: the person types the token
 * they were given; it is checked against the API before the app opens.
 * Resolves with the accepted token.
 */
export function askForToken(el: HTMLElement, base: string): Promise<string> {
  el.innerHTML = html`
    <form class="sign-in-card" novalidate>
      <h2 id="sign-in-title">Sign in</h2>
      <p class="sign-in-lead">Each person on this server has their own lists. Enter the access token you were given.</p>
      <label class="field-label" for="sign-in-token">Access token</label>
      <input id="sign-in-token" class="sign-in-token" type="password" name="token" autocomplete="current-password"
        autocapitalize="off" spellcheck="false" enterkeyhint="go" aria-describedby="sign-in-error sign-in-note" required>
      <label class="show-token"><input type="checkbox" class="show-token-check"> Show token</label>
      <p id="sign-in-error" class="sign-in-error" role="alert" hidden></p>
      <button type="submit" class="btn-primary sign-in-submit">Sign in</button>
      <p id="sign-in-note" class="sign-in-note">The token stays in this browser until you sign out.</p>
    </form>
  `.value;
  el.hidden = false;
  const form = el.querySelector("form")!;
  const input = el.querySelector<HTMLInputElement>(".sign-in-token")!;
  const error = el.querySelector<HTMLElement>(".sign-in-error")!;
  const submit = el.querySelector<HTMLButtonElement>(".sign-in-submit")!;
  el.querySelector<HTMLInputElement>(".show-token-check")!.addEventListener("change", (event) => {
    input.type = (event.currentTarget as HTMLInputElement).checked ? "text" : "password";
  });
  input.focus();

  const fail = (message: string) => {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    input.select();
  };

  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      const token = input.value.trim();
      if (!token) return fail("Enter your access token.");
      submit.disabled = true;
      submit.textContent = "Signing in…";
      const check = await checkToken(base, token);
      submit.disabled = false;
      submit.textContent = "Sign in";
      if (!check.ok) return fail(check.message);
      el.hidden = true;
      el.innerHTML = "";
      resolve(token);
    });
  });
}
