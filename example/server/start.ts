import { createLiveServer, type LiveServer } from "../../server/live";
import { startAppServer, type AppServer } from "./app-server";
import { hostAllowList, neighbourUrls, refuseWeakCredentials } from "./exposure";
import { LivePublisher } from "./live-publisher";
import { readSettings } from "./settings";
import { SINGLE_USER, userChannel } from "./tasks-api";

/**
 * `npm start`: the example server, configured from the environment.
 *
 *   PORT                 port (default 3000; 0 = any free port)
 *   HOST                 interface (default 127.0.0.1: this machine only); any other
 *                        needs strong tokens, and the page then signs in
 *   TASKS_TOKEN          Bearer token of the single user (default dev-token)
 *   TASKS_USERS          accounts instead: "alice:<token>,bob:<token>", each with their own data
 *   DATA_DIR             folder of tasks.sqlite (default ./data)
 *   PUBLIC_URL           the address people open (behind a proxy): accepted as Host, used in selfLinks
 *   TRUST_PROXY=1        honour X-Forwarded-Host/-Proto (only behind a proxy that sets them)
 *   LIVE_MAX_CONNECTIONS, LIVE_MAX_CONNECTIONS_PER_USER   caps on /live sockets (1000, 20)
 *   GOOGLE_CLIENT_ID     switch the app to Google Tasks, signing in with this client id
 *   GOOGLE_ACCESS_TOKEN  switch the app to Google Tasks with a ready token (loopback HOST only)
 *   REDIS_URL            share live changes between processes (e.g. several PORTs on one DATA_DIR);
 *                        servers on other DATA_DIRs on the same Redis are kept apart
 *   ATMOS_REDIS_KEY_PREFIX  prefix of the Redis keys instead of one named after the database
 *   ATMOS_SECRET         enables POST /update for other backends
 *
 * Prints `Listening on http://localhost:PORT` once it accepts requests
 * (`http://HOST:PORT` when HOST is not loopback, e.g. `http://0.0.0.0:3000`),
 * then, bound to every interface, the addresses other machines can open.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log): Promise<{ app: AppServer; live?: LiveServer; stop(): Promise<void> }> {
  const settings = readSettings(env);
  const accounts = settings.users ?? [{ name: SINGLE_USER, token: settings.token! }];
  refuseWeakCredentials({ host: settings.host, publicUrl: settings.publicUrl, trustProxy: settings.trustProxy }, { accounts, secret: settings.secret, googleAccessToken: settings.googleAccessToken, googleClientId: settings.googleClientId });
  const google = Boolean(settings.googleClientId || settings.googleAccessToken);
  const names = new Map(accounts.map((a) => [a.token, a.name]));

  let live: LiveServer | undefined;
  let publisher: LivePublisher | undefined;
  const app = await startAppServer({
    port: settings.port,
    host: settings.host,
    dataDir: settings.dataDir,
    token: settings.token,
    users: settings.users,
    publicUrl: settings.publicUrl,
    trustProxy: settings.trustProxy,
    log: print,
    googleClientId: settings.googleClientId,
    googleAccessToken: settings.googleAccessToken,
    liveUrl: google ? undefined : "/live",
    extend(_server, api) {
      const liveServer = createLiveServer({
        // Each account follows its own channel only: nobody hears another's changes.
        authenticate: (given) => {
          const name = names.get(given);
          return name === undefined ? null : { channels: [userChannel(name)], user: name };
        },
        // One budget of wrong tokens per address over the API and /live (a
        // right guess must not be confirmed on one while the other is locked).
        authFailures: api.authFailures,
        maxAuthFailures: api.authFailures ? undefined : 0,
        trustProxy: settings.trustProxy,
        // The app server refuses other names before an upgrade gets here;
        // told here too, the app's own page counts as such (GuessWindow).
        hosts: hostAllowList(settings.host, settings.publicUrl),
        redisUrl: settings.redisUrl,
        // Named after the database: the processes of one DATA_DIR share
        // changes and seqs; a server on another DATA_DIR on the same Redis
        // (another app, a test copy) hears none of them.
        redisKeyPrefix: settings.redisKeyPrefix ?? `atmos2:tasks:${api.instance}:`,
        secret: settings.secret,
        maxConnections: settings.maxLiveConnections,
        maxConnectionsPerUser: settings.maxLiveConnectionsPerUser,
        log: (event) => {
          if (event.type === "error") print(`live error in ${event.context}: ${event.message}`);
        },
      });
      live = liveServer;
      publisher = new LivePublisher(liveServer.hub, print);
      api.subscribe(({ channel, change }) => publisher!.publish(channel, change));
      // The app server checks the Host of /live upgrades before handing them over.
      return { request: (req, res) => liveServer.handleUpdate(req, res), upgrade: (req, socket, head) => liveServer.handleUpgrade(req, socket, head) };
    },
  });
  try {
    await live?.ready;
  } catch (err) {
    await live?.close();
    await app.close();
    throw new Error(`the live endpoint could not start (REDIS_URL=${settings.redisUrl}): ${(err as Error).message}`);
  }
  print(`Listening on ${app.url}`);
  const neighbours = neighbourUrls(settings.host, app.port);
  if (neighbours.length > 0) print(`Other machines can open ${neighbours.join(" or ")}`);
  if (settings.users) print(`Accounts: ${settings.users.map((u) => u.name).join(", ")} (each signs in with their own token)`);
  return {
    app,
    live,
    async stop() {
      publisher?.close();
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
