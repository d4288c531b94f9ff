/** What `GET /app-config.json` tells the app (see example/server/app-server.ts). */
export interface AppConfig {
  /** "embedded": the bundled server's API; "google": Google Tasks itself. */
  mode: "embedded" | "google";
  /** Base URL of the Tasks API, e.g. "/tasks/v1" or "https://tasks.googleapis.com/tasks/v1". */
  base: string;
  /** A ready Bearer token (embedded mode, or a GOOGLE_ACCESS_TOKEN). */
  token?: string;
  /** OAuth client id for Google Identity Services' token flow (google mode). */
  googleClientId?: string;
  /** WebSocket URL of the live endpoint, absolute or relative to this page. */
  liveUrl?: string;
  /**
   * The server has accounts and hands out no token: the page asks the person
   * for theirs (see sign-in-form.ts) and keeps it until they sign out.
   */
  signIn?: boolean;
}

const cacheKey = "tasks-example:app-config";

/** Checks the shape of a config and names the field to fix. */
export function checkAppConfig(value: unknown): AppConfig {
  const config = value as Partial<AppConfig> | null;
  if (!config || typeof config !== "object") throw new Error("app-config.json must be a JSON object");
  if (config.mode !== "embedded" && config.mode !== "google") {
    throw new Error(`app-config.json: "mode" must be "embedded" or "google", got ${JSON.stringify(config.mode)}`);
  }
  if (typeof config.base !== "string" || !config.base) throw new Error('app-config.json: "base" must be the URL of the Tasks API');
  for (const name of ["token", "googleClientId", "liveUrl"] as const) {
    if (config[name] !== undefined && typeof config[name] !== "string") throw new Error(`app-config.json: "${name}" must be a string`);
  }
  if (config.signIn !== undefined && typeof config.signIn !== "boolean") throw new Error('app-config.json: "signIn" must be true or false');
  return config as AppConfig;
}

/**
 * Fetches the config, and keeps the last good one so that a reload while the
 * server is unreachable still opens the app on its local data.
 */
export async function loadAppConfig(storage: Storage = localStorage): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetch("app-config.json", { cache: "no-store" });
  } catch (error) {
    // Unreachable server: open on local data with the last config seen.
    const cached = storage.getItem(cacheKey);
    if (cached) return checkAppConfig(JSON.parse(cached));
    throw new Error("The server cannot be reached and this browser has no saved configuration yet; connect once to set up");
  }
  if (!response.ok) throw new Error(`GET app-config.json answered ${response.status}; is the app served by example/server/app-server.ts?`);
  const config = checkAppConfig(await response.json());
  storage.setItem(cacheKey, JSON.stringify(config));
  return config;
}
