import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { createTasksApi, type TasksApi } from "./tasks-api";
import { serveStatic } from "./static-files";

/**
 * The example's server: one origin serving the built Tasks app, the
 * Google-compatible API under `/tasks/v1`, and `GET /app-config.json` telling
 * the app where its API is. Extensions (the live endpoint) plug in through
 * `extend`.
 */

const GOOGLE_BASE = "https://tasks.googleapis.com/tasks/v1";

/** What a request handler added by `extend` does: true when it took the request. */
export type ExtraHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface AppServerOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  port?: number;
  /** Folder for the database (`tasks.sqlite`); created when missing. */
  dataDir: string;
  /** Bearer token of the embedded API (and handed to the app in app-config.json). */
  token?: string;
  /** The built example. Default example/dist. */
  staticDir?: string;
  /** Where notices and errors go. Default console.log. */
  log?: (line: string) => void;
  /**
   * Called before listening, e.g. to attach `/live` to the server's upgrade
   * event and subscribe to the API's changes. May return a request handler
   * that gets each request first (for endpoints such as `POST /update`).
   */
  extend?: (server: http.Server, api: TasksApi) => void | ExtraHandler;
  /** Google mode: the app talks to Google Tasks itself, signing in with this OAuth client id. */
  googleClientId?: string;
  /** Google mode with a ready access token (handed to the app). */
  googleAccessToken?: string;
  /** WebSocket URL of the live endpoint to tell the app (embedded mode), e.g. "/live". */
  liveUrl?: string;
}

export interface AppServer {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** `GET /app-config.json`: where the app finds its API. */
export function appConfig(options: AppServerOptions): Record<string, string> {
  if (options.googleClientId || options.googleAccessToken) {
    const config: Record<string, string> = { mode: "google", base: GOOGLE_BASE };
    if (options.googleAccessToken) config.token = options.googleAccessToken;
    if (options.googleClientId) config.googleClientId = options.googleClientId;
    return config;
  }
  const config: Record<string, string> = { mode: "embedded", base: "/tasks/v1" };
  if (options.token) config.token = options.token;
  if (options.liveUrl) config.liveUrl = options.liveUrl;
  return config;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  if (!options || typeof options.dataDir !== "string" || options.dataDir === "") {
    throw new Error("startAppServer({ dataDir }): dataDir must name the folder for the database");
  }
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startAppServer: port must be 0…65535 (got ${String(options.port)})`);
  const log = options.log ?? ((line: string) => console.log(line));
  const staticDir = options.staticDir ?? path.resolve(__dirname, "../dist");
  fs.mkdirSync(options.dataDir, { recursive: true });

  const api = createTasksApi({
    dbFile: path.join(options.dataDir, "tasks.sqlite"),
    token: options.token,
    onError: (err) => log(`tasks-api error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
  });
  const configBody = JSON.stringify(appConfig(options));
  let extra: ExtraHandler | undefined;

  const server = http.createServer((req, res) => {
    try {
      if (extra?.(req, res)) return;
      if (api.handle(req, res)) return;
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
      if (pathname === "/app-config.json" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
        return void res.end(req.method === "HEAD" ? undefined : configBody);
      }
      if (serveStatic(staticDir, req, res)) return;
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`Not found: ${pathname}`);
    } catch (err) {
      log(`app-server error on ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Internal error");
    }
  });
  extra = options.extend?.(server, api) || undefined;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, () => resolve());
    });
  } catch (err) {
    api.close();
    throw err;
  }
  const actual = (server.address() as { port: number }).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${actual}`,
    port: actual,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          api.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
