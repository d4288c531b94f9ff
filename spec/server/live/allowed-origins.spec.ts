import { expect } from "chai";
import WebSocket from "ws";
import type { IncomingMessage } from "node:http";
import { createLiveServer } from "../../../server/live";
import type { LiveLogEvent } from "../../../server/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { TestSocket } from "../../live/support/test-socket";

/**
 * An app whose `authenticate` reads the session cookie of the upgrade
 * request: any other site's page could open a socket as its visitor (a
 * browser sends this site's cookies with it) and read their changes. With
 * `origins`, a browser's socket from another origin is refused before the
 * handshake; clients that are not browsers send no Origin and are judged by
 * `authenticate` alone.
 */
describe("live server: the origins a browser's socket may come from", () => {
  let fixture: LiveFixture | undefined;
  let judged: string[];
  let logged: LiveLogEvent[];
  const opened: TestSocket[] = [];
  // Trusts the cookie the browser sends by itself: the case origins is for.
  const authenticate = (_token: string, request: IncomingMessage) => {
    judged.push(String(request.headers.cookie));
    return request.headers.cookie === "session=alice" ? { channels: ["user:alice"] } : null;
  };
  beforeEach(() => {
    judged = [];
    logged = [];
  });
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    await fixture?.close();
    fixture = undefined;
  });

  const open = async (origin?: string) => {
    const headers: Record<string, string> = { cookie: "session=alice" };
    if (origin) headers.origin = origin;
    const socket = await TestSocket.open(fixture!.wsUrl, { headers });
    opened.push(socket);
    socket.send({ type: "auth", token: "" });
    return socket.next();
  };
  /** The HTTP status and text an upgrade from `origin` is refused with. */
  const refusal = (origin: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const ws = new WebSocket(fixture!.wsUrl, { headers: { cookie: "session=alice", origin } });
      ws.on("open", () => reject(new Error(`a socket from ${origin} was opened`)));
      ws.on("error", () => {});
      ws.on("unexpected-response", (_request, response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
    });

  it("refuses a socket opened by another site's page with 403, before its cookie reaches authenticate", async () => {
    fixture = await startLive({ authenticate, origins: ["https://tasks.example", "http://localhost:8080"], log: (event) => logged.push(event) });
    const { status, text } = await refusal("https://evil.example");
    expect(status).to.equal(403);
    expect(text).to.match(/origin may not open a live socket here/);
    expect(judged).to.deep.equal([]);
    expect(logged).to.deep.include({ type: "refused", code: 403, message: text });
    expect((await open("https://tasks.example")).type).to.equal("ready");
    expect((await open("http://localhost:8080")).type).to.equal("ready");
    expect((await refusal("http://localhost:8081")).status, "another port is another origin").to.equal(403);
  });

  it("leaves a client that sends no Origin (not a browser) to authenticate", async () => {
    fixture = await startLive({ authenticate, origins: ["https://tasks.example"] });
    expect((await open()).type).to.equal("ready");
    expect(judged).to.deep.equal(["session=alice"]);
  });

  it("asks a function, with the origin and the request, when origins is one", async () => {
    const asked: string[] = [];
    fixture = await startLive({ authenticate, origins: (origin, request) => (asked.push(`${origin} ${request.url}`), origin.endsWith(".tasks.example")) });
    expect((await open("https://eu.tasks.example")).type).to.equal("ready");
    expect((await refusal("https://tasks.example.evil")).status).to.equal(403);
    expect(asked).to.deep.equal(["https://eu.tasks.example /live", "https://tasks.example.evil /live"]);
  });

  it("lets every origin in when origins is not set, as before", async () => {
    fixture = await startLive({ authenticate });
    expect((await open("https://anywhere.example")).type).to.equal("ready");
  });

  it("refuses an entry written with a path or a trailing slash at start, showing the origin meant", () => {
    expect(() => createLiveServer({ authenticate, origins: ["https://tasks.example/"] })).to.throw(
      'createLiveServer: origins: "https://tasks.example/" is not an origin as a browser sends it, such as "https://app.example" or "http://localhost:8080" (scheme, host and port; no path or trailing slash) (did you mean "https://tasks.example"?)',
    );
    expect(() => createLiveServer({ authenticate, origins: ["tasks.example"] })).to.throw(/"tasks\.example" is not an origin as a browser sends it/);
    expect(() => createLiveServer({ authenticate, origins: "https://tasks.example" as never })).to.throw(/origins must be a list of origins/);
  });
});
