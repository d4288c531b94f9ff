import { expect } from "chai";
import WebSocket from "ws";
import { addressKey } from "../../../server/live/client-address";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { TestSocket } from "../../live/support/test-socket";

/** The upgrade answer: "open" (the socket is kept, for afterEach to close) or the refusal's status and body. */
function upgrade(url: string, options: WebSocket.ClientOptions, kept: WebSocket[]): Promise<"open" | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once("open", () => {
      kept.push(ws);
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
  });
}

/**
 * One address could open unauthenticated sockets until they held every
 * place of the server, and a client that kept none of its own sockets
 * unauthenticated took, with every socket it opened on a full server, the
 * place of another user's socket whose token was still on its way (close
 * 1013). Now one address holds at most maxUnauthenticatedPerAddress such
 * sockets, and takes at most that many places from other addresses per
 * authTimeoutMs.
 */
describe("live server: one address cannot take every unauthenticated place", () => {
  let fixture: LiveFixture | undefined;
  const opened: TestSocket[] = [];
  const kept: WebSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    for (const ws of kept.splice(0)) ws.terminate();
    await fixture?.close();
    fixture = undefined;
  });
  const byToken = (token: string) => ({ channels: [`user:${token}`], user: token });
  const open = async (from: string) => {
    const socket = await TestSocket.open(fixture!.wsUrl, { localAddress: from });
    opened.push(socket);
    return socket;
  };

  // Found by a second attack review: a page of another site, open in a
  // user's browser, held the address's silent sockets (reopening each as
  // the auth timeout closed it), and the user's app at that address got
  // 429 on every reconnect. A newcomer now takes the place of the address's
  // oldest socket that has sent nothing; the address still holds no more.
  it("gives one address's next socket the place of its oldest silent one, holding no more than the limit, while other addresses get in", async () => {
    fixture = await startLive({ authenticate: byToken, maxUnauthenticatedPerAddress: 3 });
    const silent = [await open("127.0.0.2"), await open("127.0.0.2"), await open("127.0.0.2")];
    const user = await open("127.0.0.2");
    expect((await silent[0].closed).code, "the oldest silent socket").to.equal(1013);
    expect([silent[1].isOpen, silent[2].isOpen]).to.deep.equal([true, true]);
    user.send({ type: "auth", token: "alice" });
    expect((await user.next()).type).to.equal("ready");
    const bob = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    opened.push(bob);
    expect(fixture.live.connections).to.equal(4);
  });

  it("refuses one address's next socket with 429 naming the limit when each of its unauthenticated sockets has sent a token still being checked", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    fixture = await startLive({ authenticate: async (token) => (await held, byToken(token)), maxUnauthenticatedPerAddress: 2 });
    const checking = [await open("127.0.0.2"), await open("127.0.0.2")];
    for (const socket of checking) socket.send({ type: "auth", token: "slow" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await upgrade(fixture.wsUrl, { localAddress: "127.0.0.2" }, kept);
    expect(refused).to.deep.include({ status: 429 });
    expect((refused as { body: string }).body).to.contain("2 sockets from this address have not authenticated yet");
    release();
    expect((await Promise.all(checking.map((socket) => socket.next()))).map((m) => m.type)).to.deep.equal(["ready", "ready"]);
  });

  it("counts only sockets still unauthenticated: users behind one address keep connecting", async () => {
    fixture = await startLive({ authenticate: byToken, maxUnauthenticatedPerAddress: 2 });
    for (let i = 0; i < 10; i++) opened.push(await TestSocket.ready(fixture.wsUrl, { token: `user-${i}` }));
    expect(fixture.live.connections).to.equal(10);
  });

  it("lets one address take the places of only so many other users' sockets while the server is full", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 3, maxUnauthenticatedPerAddress: 2 });
    opened.push(await TestSocket.ready(fixture.wsUrl, { token: "alice" }), await TestSocket.ready(fixture.wsUrl, { token: "bob" }));
    const users: TestSocket[] = [];
    const attacks: Array<"open" | { status: number; body: string }> = [];
    for (let i = 0; i < 5; i++) {
      // A user's socket fills the last place; its token is on its way.
      users.push(await open(`127.0.0.${10 + i}`));
      // The attacker keeps none of its own: each socket is closed as soon as it is open.
      attacks.push(await upgrade(fixture.wsUrl, { localAddress: "127.0.0.2" }, kept));
      for (const ws of kept.splice(0)) ws.terminate();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(attacks.slice(0, 2)).to.deep.equal(["open", "open"]);
    for (const refused of attacks.slice(2)) {
      expect(refused).to.deep.include({ status: 503 });
      expect((refused as { body: string }).body).to.match(/this address already took the places of 2 other addresses' unauthenticated sockets/);
    }
    expect((await users[0].closed).code).to.equal(1013);
    expect((await users[1].closed).code).to.equal(1013);
    const last = users[4];
    expect(last.isOpen, "the last user's socket was not displaced").to.equal(true);
    last.send({ type: "auth", token: "carol" });
    expect((await last.next()).type).to.equal("ready");
  });

  it("counts clients behind a trusted proxy by the address it forwards, and never by a header anyone can send", async () => {
    fixture = await startLive({ authenticate: byToken, maxUnauthenticatedPerAddress: 1 });
    const forwarded = (address: string) => ({ headers: { "X-Forwarded-For": address } });
    /** Opens a silent socket; resolves with it once open. */
    const silentFrom = async (address: string) => {
      const socket = await TestSocket.open(fixture!.wsUrl, forwarded(address));
      opened.push(socket);
      return socket;
    };
    const first = await silentFrom("10.0.0.1");
    await silentFrom("10.0.0.2");
    expect((await first.closed).code, "one address: the second takes the first's place").to.equal(1013);
    await fixture.close();

    fixture = await startLive({ authenticate: byToken, maxUnauthenticatedPerAddress: 1, trustProxy: true });
    const one = await silentFrom("10.0.0.1");
    const two = await silentFrom("10.0.0.2");
    // What the client wrote comes first; the proxy appends the address it saw.
    await silentFrom("10.0.0.3, 10.0.0.1");
    expect((await one.closed).code, "the same forwarded address").to.equal(1013);
    expect(two.isOpen, "another forwarded address").to.equal(true);
  });

  it("counts an IPv6 client by its /64 network and an IPv4 one however Node writes it", () => {
    const table: Array<[string | undefined, string]> = [
      ["127.0.0.1", "127.0.0.1"],
      ["::ffff:127.0.0.1", "127.0.0.1"],
      ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
      ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
      ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
      ["2001:db8::1", "2001:db8:0:0::/64"],
      ["::1", "0:0:0:0::/64"],
      ["fe80::1%eth0", "fe80:0:0:0::/64"],
      [undefined, ""],
    ];
    for (const [address, key] of table) expect(addressKey(address), String(address)).to.equal(key);
  });
});
