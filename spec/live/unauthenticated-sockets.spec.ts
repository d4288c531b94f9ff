import { expect } from "chai";
import net from "node:net";
import WebSocket from "ws";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Anyone may open /live; the token comes in the first frame, up to
 * authTimeoutMs later. Sockets that never send one must not be able to keep
 * every place of maxConnections (one client opening sockets and sending
 * nothing did, and every user got 503 for as long as it went on).
 */
/** The code of the close frame among unmasked server frames (short ones: no 64-bit lengths here). */
function closeCodeIn(frames: Buffer): number | undefined {
  for (let at = 0; at + 2 <= frames.length;) {
    const opcode = frames[at] & 0x0f;
    let length = frames[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = frames.readUInt16BE(at + 2);
      start += 2;
    }
    if (opcode === 8) return frames.readUInt16BE(start);
    at = start + length;
  }
  return undefined;
}

describe("live server: sockets that have not authenticated cannot lock users out", () => {
  let fixture: LiveFixture;
  const opened: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    await fixture?.close();
  });

  const byToken = (token: string) => ({ channels: [`user:${token}`], user: token });
  const silent = async (count: number): Promise<TestSocket[]> => {
    const sockets = [];
    for (let i = 0; i < count; i++) sockets.push(await TestSocket.open(fixture.wsUrl));
    opened.push(...sockets);
    return sockets;
  };
  const user = async (token: string): Promise<TestSocket> => {
    const socket = await TestSocket.ready(fixture.wsUrl, { token });
    opened.push(socket);
    return socket;
  };

  it("lets a user in while silent sockets hold every place, closing the oldest silent one with 1013", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 5 });
    const attacker = await silent(5);
    expect(fixture.live.connections).to.equal(5);
    const alice = await user("alice");
    const closed = await attacker[0].closed;
    expect(closed.code).to.equal(1013);
    expect(closed.reason).to.match(/full/).and.to.match(/try again/);
    expect(attacker.slice(1).every((s) => s.isOpen)).to.equal(true);
    expect(alice.isOpen).to.equal(true);
    expect(fixture.live.connections).to.equal(5);
  });

  it("keeps letting users in while one client keeps opening silent sockets, and never holds more than the cap", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 5 });
    const users: TestSocket[] = [];
    for (const token of ["alice", "bob", "carol"]) {
      await silent(20);
      expect(fixture.live.connections).to.be.at.most(5);
      users.push(await user(token));
    }
    await silent(20);
    expect(users.every((s) => s.isOpen)).to.equal(true);
    expect(fixture.live.connections).to.equal(5);
  });

  it("lets a flood from one address displace only its own sockets, not a user's from another whose token is still on its way", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 3 });
    const alice = await TestSocket.open(fixture.wsUrl); // from 127.0.0.1; her auth frame has not arrived yet
    opened.push(alice);
    const attacker = [];
    for (let i = 0; i < 20; i++) {
      // Linux routes all of 127/8 to loopback: the attacker comes from another address.
      attacker.push(await TestSocket.open(fixture.wsUrl, { localAddress: "127.0.0.2" }));
    }
    opened.push(...attacker);
    expect(alice.isOpen).to.equal(true);
    expect(fixture.live.connections).to.equal(3);
    alice.send({ type: "auth", token: "alice" });
    expect((await alice.next()).type).to.equal("ready");
    expect((await attacker[0].closed).code).to.equal(1013);
  });

  it("refuses a newcomer with 503 only when every place is held by an authenticated socket", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 2 });
    const users = [await user("alice"), await user("bob")];
    const answer = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(fixture.wsUrl);
      ws.once("open", () => resolve(101));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });
    expect(answer).to.equal(503);
    expect(users.every((s) => s.isOpen)).to.equal(true);
  });

  it("displaces a socket whose token is still being checked only once no silent socket is left", async () => {
    let letSlowIn!: () => void;
    const slowDecided = new Promise<void>((resolve) => (letSlowIn = resolve));
    const authenticate = async (token: string) => {
      if (token === "slow") await slowDecided;
      return byToken(token);
    };
    fixture = await startLive({ authenticate, maxConnections: 3 });
    await user("alice");
    const slow = await TestSocket.open(fixture.wsUrl);
    opened.push(slow);
    slow.send({ type: "auth", token: "slow" });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the auth frame has arrived
    const [quiet] = await silent(1);
    const bob = await user("bob");
    expect((await quiet.closed).code).to.equal(1013);
    expect(slow.isOpen).to.equal(true);
    const carol = await user("carol");
    expect((await slow.closed).code).to.equal(1013);
    letSlowIn(); // its token is accepted after it was displaced: nothing more happens to it
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fixture.live.connections).to.equal(3);
    expect(bob.isOpen && carol.isOpen).to.equal(true);
  });

  it("does not wait 30 s for a displaced socket to answer its close frame", async () => {
    fixture = await startLive({ authenticate: byToken, maxConnections: 1 });
    const { port } = new URL(fixture.wsUrl);
    // A raw socket that completes the upgrade and then never answers anything.
    const raw = net.connect(Number(port), "127.0.0.1");
    const received: Buffer[] = [];
    const ended = new Promise<number>((resolve) => raw.on("close", () => resolve(Date.now())));
    raw.on("data", (chunk: Buffer) => received.push(chunk));
    raw.on("error", () => {});
    raw.write("GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    while (!Buffer.concat(received).toString("latin1").includes("\r\n\r\n")) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Buffer.concat(received).toString("latin1")).to.match(/^HTTP\/1.1 101/);
    const displacedAt = Date.now();
    await user("alice");
    const closedAfter = (await ended) - displacedAt;
    expect(closedAfter, "ms until the server let go of the displaced socket").to.be.below(2000);
    const bytes = Buffer.concat(received);
    expect(closeCodeIn(bytes.subarray(bytes.indexOf("\r\n\r\n") + 4))).to.equal(1013);
  });
});
