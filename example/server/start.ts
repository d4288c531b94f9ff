import * as path from "path";
import { createLiveServer, type LiveServer } from "../../server/live";
import { startAppServer, type AppServer } from "./app-server";
import { USER_CHANNEL } from "./tasks-api";

/**
 * `npm start`: the example server, configured from the environment.
 *
 *   PORT                 port (default 3000; 0 = any free port)
 *   TASKS_TOKEN          Bearer token of the embedded API and of /live (default dev-token)
 *   DATA_DIR             folder of tasks.sqlite (default ./data)
 *   GOOGLE_CLIENT_ID     switch the app to Google Tasks, signing in with this client id
 *   GOOGLE_ACCESS_TOKEN  switch the app to Google Tasks with a ready token
 *   REDIS_URL            share live changes between processes (e.g. several PORTs on one DATA_DIR)
 *   ATMOS_SECRET         enables POST /update for other backends
 *
 * Prints `Listening on http://localhost:PORT` once it accepts requests.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log): Promise<{ app: AppServer; live?: LiveServer; stop(): Promise<void> }> {
  const port = Number(env.PORT ?? 3000);
  if (!/^\d+$/.test(String(env.PORT ?? 3000)) || port > 65535) throw new Error(`PORT must be a port number 0…65535 (got "${env.PORT}")`);
  const token = env.TASKS_TOKEN || "dev-token";
  const dataDir = path.resolve(env.DATA_DIR || "data");
  const google = Boolean(env.GOOGLE_CLIENT_ID || env.GOOGLE_ACCESS_TOKEN);

  let live: LiveServer | undefined;
  const app = await startAppServer({
    port,
    dataDir,
    token,
    log: print,
    googleClientId: env.GOOGLE_CLIENT_ID || undefined,
    googleAccessToken: env.GOOGLE_ACCESS_TOKEN || undefined,
    liveUrl: google ? undefined : "/live",
    extend(server, api) {
      const liveServer = createLiveServer({
        server,
        // The one user of the embedded API may follow its own channel.
        authenticate: (given) => (given === token ? [USER_CHANNEL] : null),
        redisUrl: env.REDIS_URL || undefined,
        secret: env.ATMOS_SECRET || undefined,
        log: (event) => {
          if (event.type === "error") print(`live error in ${event.context}: ${event.message}`);
        },
      });
      live = liveServer;
      // Published one after another, so seqs follow commit order.
      let queue: Promise<unknown> = Promise.resolve();
      api.subscribe(({ channel, change }) => {
        queue = queue
          .then(() => liveServer.hub.publish(channel, change))
          .catch((err: Error) => print(`live publish failed: ${err.message}`));
      });
      return (req, res) => liveServer.handleUpdate(req, res);
    },
  });
  try {
    await live?.ready;
  } catch (err) {
    await live?.close();
    await app.close();
    throw new Error(`the live endpoint could not start (REDIS_URL=${env.REDIS_URL}): ${(err as Error).message}`);
  }
  print(`Listening on http://localhost:${app.port}`);
  return {
    app,
    live,
    async stop() {
      await live?.close();
      await app.close();
    },
  };
}

if (require.main === module) {
  main()
    .then(({ stop }) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: closing`);
        stop().then(
          () => process.exit(0),
          (err: Error) => {
            console.error(`closing failed: ${err.message}`);
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => shutdown("SIGINT"));
      process.on("SIGTERM", () => shutdown("SIGTERM"));
    })
    .catch((err: Error) => {
      console.error(`Could not start: ${err.message}`);
      process.exit(1);
    });
}
