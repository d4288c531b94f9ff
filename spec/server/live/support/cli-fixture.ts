import { start, type RunningServer } from "../../../../server/live/cli";
import { TestSocket } from "../../../live/support/test-socket";

export const TOKEN = "reader-0123456789abcdef";
export const SECRET = "backend-secret-0123456789";

/** What `cliFixture()` gives a spec: an atmos2-server started from its environment, and a client of it. */
export interface CliFixture {
  /** The lines the server printed since the last `serve`. */
  printed: string[];
  /** Starts atmos2-server (TOKEN may join every channel, SECRET opens /update); resolves with its http URL. */
  serve(env?: Record<string, string>): Promise<string>;
  /** Authenticates a socket on /live: "ready", or the close code of its refusal. */
  auth(url: string, token: string, headers?: Record<string, string>): Promise<"ready" | number>;
  /** POSTs one change to /update (no X-Atmos-Secret when `secret` is undefined); resolves with the status. */
  update(url: string, secret: string | undefined, headers?: Record<string, string>): Promise<number>;
  /** Stops the server and its sockets (also done after each test). */
  stop(): Promise<void>;
}

/** A CLI server per test of the describe it is called in, stopped (with its sockets) after each. */
export function cliFixture(): CliFixture {
  let running: RunningServer | undefined;
  const opened: TestSocket[] = [];
  const fixture: CliFixture = {
    printed: [],
    async serve(env = {}) {
      fixture.printed = [];
      running = await start({ PORT: "0", ATMOS_TOKENS: `${TOKEN}:*`, ATMOS_SECRET: SECRET, ATMOS_QUIET: "1", ...env }, (line) => fixture.printed.push(line));
      return running.url;
    },
    async auth(url, token, headers = {}) {
      const socket = await TestSocket.open(url.replace(/^http/, "ws") + "/live", { headers });
      opened.push(socket);
      socket.send({ type: "auth", token });
      const first = await socket.next();
      return first.type === "ready" ? "ready" : (await socket.closed).code;
    },
    update: (url, secret, headers = {}) =>
      fetch(`${url}/update`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(secret === undefined ? {} : { "X-Atmos-Secret": secret }), ...headers },
        body: JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] }),
      }).then((res) => res.status),
    async stop() {
      for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
      await running?.stop();
      running = undefined;
    },
  };
  afterEach(() => fixture.stop());
  return fixture;
}
