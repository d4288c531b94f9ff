import type { Atmos } from "atmos2";
import type { TokenSource } from "./google-auth";
import { setBearer } from "./tasks-api-setup";

/** What the UI needs to know about signing in. */
export interface AuthState {
  /** The server refused the token and no new one could be had silently. */
  needed: boolean;
  /** Whether a "Sign in" button can help (false: the token is fixed by the server). */
  canSignIn: boolean;
  /** Why the last "Sign in" click failed (e.g. Google's script could not load), until one succeeds. */
  failed?: string;
}

/**
 * Keeps the Authorization header fresh. A 401 pauses atmos2's sending
 * (`auth_fail`); we get a new token, silently if Google allows it, else
 * through a "Sign in" click, and then `atmos.resume()` sends what waited.
 */
export class AuthFlow {
  private state: AuthState;
  private listeners: Array<(state: AuthState) => void> = [];
  /** The Authorization header of the last request answered 401. */
  private refusedHeader?: string;

  constructor(private readonly atmos: Atmos, private readonly tokens: TokenSource) {
    this.state = { needed: !tokens.current() && tokens.canRenew, canSignIn: tokens.canRenew };
    setBearer(atmos, tokens.current());
    atmos.resourceClient.beforeRequest = (_request, proceed) => {
      if (!tokens.canRenewSilently() || !tokens.expiresSoon()) return proceed();
      // Renew before the token dies instead of collecting a 401 first.
      tokens.renew(false).then(
        (token) => setBearer(atmos, token),
        () => undefined,
      ).then(proceed);
    };
    // Note which token a 401 answered: requests already under way when the
    // token was renewed come back 401 too, and must not trigger another renewal.
    const transport = atmos.resourceClient.fetch;
    atmos.resourceClient.fetch = (url, init) =>
      transport(url, init).then((response) => {
        if (response.status === 401) this.refusedHeader = (init.headers as Record<string, string> | undefined)?.Authorization;
        return response;
      });
    atmos.on("auth_fail", () => this.refused());
    atmos.on("auth_success", () => this.set({ needed: false }));
  }

  get current(): AuthState {
    return this.state;
  }

  /** True once a token is there to send. */
  get hasToken(): boolean {
    return !!this.tokens.current();
  }

  onChange(fn: (state: AuthState) => void): void {
    this.listeners.push(fn);
  }

  /** From a click: may open Google's consent popup. */
  signIn(): Promise<void> {
    return this.tokens.renew(true).then(
      (token) => this.accepted(token),
      (error: Error) => {
        this.set({ needed: true, failed: error?.message ?? String(error) });
        throw error;
      },
    );
  }

  private refused(): void {
    const current = this.tokens.current();
    if (current && this.refusedHeader !== `Bearer ${current}`) return this.resumeSoon();
    if (!this.tokens.canRenewSilently()) return this.set({ needed: true });
    this.tokens.renew(false).then(
      (token) => this.accepted(token),
      () => this.set({ needed: true }),
    );
  }

  private accepted(token: string): void {
    setBearer(this.atmos, token);
    this.set({ needed: false, failed: undefined });
    this.resumeSoon();
  }

  /**
   * atmos2 pauses sending right after it emits auth_fail, so a resume() from
   * inside that listener would come too early and be undone: resume a tick later.
   */
  private resumeSoon(): void {
    setTimeout(() => this.atmos.resume(), 0);
  }

  private set(patch: Partial<AuthState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }
}
