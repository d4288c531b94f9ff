/**
 * Google Identity Services' token flow (no backend needed): the browser gets
 * a short-lived access token for the Tasks scope. The GIS script is loaded
 * only in google mode, so the embedded mode never talks to Google.
 */

const gsiScript = "https://accounts.google.com/gsi/client";
const tasksScope = "https://www.googleapis.com/auth/tasks";
const storageKey = "tasks-example:google-token";
/** Renew this long before expiry, so no request goes out with a dying token. */
const renewMarginMs = 2 * 60 * 1000;

interface TokenResponse {
  access_token?: string;
  expires_in?: number | string;
  error?: string;
  error_description?: string;
}

interface TokenClient {
  requestAccessToken(overrides?: { prompt?: string }): void;
}

interface GoogleGlobal {
  accounts: {
    oauth2: {
      initTokenClient(config: {
        client_id: string;
        scope: string;
        callback: (response: TokenResponse) => void;
        error_callback?: (error: { type?: string; message?: string }) => void;
      }): TokenClient;
    };
  };
}

/** Where the app gets its Bearer token from. */
export interface TokenSource {
  /** The token to use now, if there is one. */
  current(): string | undefined;
  /** True when the token is about to expire and should be renewed first. */
  expiresSoon(): boolean;
  /** Whether `renew` can get another token (false for a fixed token). */
  readonly canRenew: boolean;
  /** Whether a token can be had without a click (the user consented before). */
  canRenewSilently(): boolean;
  /** Gets a new token; `interactive` may show Google's consent popup, so call it from a click. */
  renew(interactive: boolean): Promise<string>;
}

/** A fixed token: the bundled server's TASKS_TOKEN or a GOOGLE_ACCESS_TOKEN. */
export class FixedToken implements TokenSource {
  readonly canRenew: boolean = false;
  constructor(private readonly token: string | undefined) {}
  current(): string | undefined {
    return this.token;
  }
  expiresSoon(): boolean {
    return false;
  }
  canRenewSilently(): boolean {
    return false;
  }
  renew(): Promise<string> {
    return Promise.reject(new Error("This token cannot be renewed; check the server's TASKS_TOKEN or GOOGLE_ACCESS_TOKEN"));
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Could not load ${src}; are you online?`));
    document.head.appendChild(script);
  });
}

/** Tokens from Google Identity Services, kept for the tab's session. */
export class GoogleTokens implements TokenSource {
  readonly canRenew = true;
  private token?: string;
  private expiresAt = 0;
  private client?: TokenClient;
  private waiting: Array<{ resolve: (token: string) => void; reject: (error: Error) => void }> = [];
  private ready?: Promise<void>;

  constructor(private readonly clientId: string, private readonly storage: Storage = sessionStorage) {
    const saved = storage.getItem(storageKey);
    if (saved) {
      try {
        const { token, expiresAt } = JSON.parse(saved);
        if (typeof token === "string" && expiresAt > Date.now()) Object.assign(this, { token, expiresAt });
      } catch {
        storage.removeItem(storageKey);
      }
    }
  }

  current(): string | undefined {
    return this.token && this.expiresAt > Date.now() ? this.token : undefined;
  }

  expiresSoon(): boolean {
    return !!this.token && this.expiresAt - Date.now() < renewMarginMs;
  }

  canRenewSilently(): boolean {
    // Before the first consent Google would need a popup, which only a click may open.
    return !!this.token;
  }

  renew(interactive: boolean): Promise<string> {
    return this.load().then(
      () =>
        new Promise<string>((resolve, reject) => {
          this.waiting.push({ resolve, reject });
          // One popup at a time: later callers share the answer.
          if (this.waiting.length === 1) this.client!.requestAccessToken({ prompt: interactive ? "consent" : "" });
        }),
    );
  }

  private load(): Promise<void> {
    this.ready ??= loadScript(gsiScript).then(() => {
      const google = (window as unknown as { google?: GoogleGlobal }).google;
      if (!google?.accounts?.oauth2) throw new Error("Google Identity Services did not load");
      this.client = google.accounts.oauth2.initTokenClient({
        client_id: this.clientId,
        scope: tasksScope,
        callback: (response) => this.answered(response),
        error_callback: (error) => this.settle(new Error(error?.message || error?.type || "Google sign-in was closed")),
      });
    });
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private answered(response: TokenResponse): void {
    if (response.error || !response.access_token) {
      return this.settle(new Error(response.error_description || response.error || "Google gave no access token"));
    }
    this.token = response.access_token;
    this.expiresAt = Date.now() + Number(response.expires_in ?? 3600) * 1000;
    this.storage.setItem(storageKey, JSON.stringify({ token: this.token, expiresAt: this.expiresAt }));
    this.settle(undefined, this.token);
  }

  private settle(error?: Error, token?: string): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) (error ? w.reject(error) : w.resolve(token!));
  }
}
