import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";
import type { Authenticate } from "../../server/live";

const tokens: Record<string, string[]> = { alice: ["user:alice", "team:red"], bob: ["user:bob"] };
const authenticate: Authenticate = (token) => tokens[token] ?? null;
const change = (id: string) => ({ type: "created" as const, collection: "tasks", id, attrs: { id, title: id } });

/** A token check that answers as `decide` does, once `release()` is called. */
function heldTokenCheck(decide: Authenticate): { authenticate: Authenticate; release: () => void } {
  let release!: () => void;
  const checked = new Promise<void>((resolve) => (release = resolve));
  return { authenticate: async (token, request) => { await checked; return decide(token, request); }, release };
}

describe("live server authentication", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("refuses an unknown token with an error message and close code 4401", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "mallory" });
    const closed = await socket.closed;
    expect(closed.code).to.equal(4401);
    expect(socket.messages).to.have.length(1);
    expect(socket.messages[0]).to.include({ type: "error" });
    expect((socket.messages[0] as { message: string }).message).to.match(/token/);
  });

  it("refuses a channel the token may not join with close code 4403", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob", channels: ["user:bob", "user:alice"] });
    const closed = await socket.closed;
    expect(closed.code).to.equal(4403);
    expect(socket.messages).to.have.length(1);
    expect(socket.messages[0].type).to.equal("error");
    expect((socket.messages[0] as { message: string }).message).to.contain("user:alice");
  });

  it("accepts a good token and names the channels and their current seq in ready", async () => {
    fixture = await startLive({ authenticate });
    await fixture.live.hub.publish("user:alice", [change("a"), change("b")]);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "alice" });
    expect(socket.messages[0]).to.deep.include({ type: "ready", channels: ["user:alice", "team:red"], seq: { "user:alice": 2, "team:red": 0 } });
    await socket.close();
  });

  it("treats an authenticate hook that throws as a refusal (4401)", async () => {
    fixture = await startLive({ authenticate: async () => { throw new Error("directory is down"); } });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "alice" });
    expect((await socket.closed).code).to.equal(4401);
    expect((socket.messages[0] as { message: string }).message).to.contain("directory is down");
  });

  // Not 4401, which a client takes as final: its token was never judged, and
  // a client on a slow link whose auth frame came late must try again.
  it("closes a socket that sends nothing within the auth timeout with 1013, 'try again later'", async () => {
    fixture = await startLive({ authenticate, authTimeoutMs: 100 });
    const socket = await TestSocket.open(fixture.wsUrl);
    const closed = await socket.closed;
    expect(closed.code).to.equal(1013);
    expect(socket.messages.map((m) => m.type)).to.deep.equal(["error"]);
  });

  it("refuses a socket whose first message is not auth", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "sync", method: "read", collection: "tasks", requestId: 1 });
    expect((await socket.closed).code).to.equal(4401);
  });

  it("names the field when the auth message is malformed", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "alice", channels: "user:alice" });
    expect((await socket.closed).code).to.equal(4401);
    expect((socket.messages[0] as { message: string }).message).to.contain("auth.channels");
  });

  it("sends nothing before ready, even while changes are published during a slow token check", async () => {
    const { authenticate: slow, release } = heldTokenCheck(authenticate);
    fixture = await startLive({ authenticate: slow });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob" });
    await fixture.live.hub.publish("user:bob", change("during-auth"));
    release();
    const ready = await socket.next();
    expect(ready).to.deep.include({ type: "ready", seq: { "user:bob": 1 } });
    await fixture.live.hub.publish("user:bob", change("after-ready"));
    const [next] = await socket.changes(1);
    expect(next.seq).to.equal(2);
    expect(next.change.id).to.equal("after-ready");
    await socket.close();
  });

  it("sends a refused socket nothing but the error, even when its channel is busy", async () => {
    const { authenticate: slow, release } = heldTokenCheck(() => null);
    fixture = await startLive({ authenticate: slow });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob", channels: ["user:bob"] });
    await fixture.live.hub.publish("user:bob", change("secret"));
    release();
    await socket.closed;
    expect(socket.messages.map((m) => m.type)).to.deep.equal(["error"]);
  });

  // Found by an attack on the live server: frames sent before ready are
  // held until then, 100 at most but of any size, and a parsed frame costs
  // the heap many times its size; a client that does not read its replay
  // stays before ready as long as it likes. Two sockets sending 1 MiB frames
  // so filled the server's heap and ended its process.
  it("closes a socket that sends more than maxPayload bytes of frames before ready (1013), and serves the others", async () => {
    const { authenticate: slow, release } = heldTokenCheck(authenticate);
    fixture = await startLive({ authenticate: slow, maxPayload: 64 * 1024 });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob" });
    const frame = (n: number) => ({ type: "sync", method: "read", collection: "tasks", requestId: n, model: { id: "x", pad: "p".repeat(30 * 1024) } });
    for (let n = 1; n <= 3; n++) socket.send(frame(n));
    const closed = await socket.closed;
    expect(closed.code).to.equal(1013);
    expect(closed.reason).to.equal(`more than ${64 * 1024} bytes of messages before ready`);
    release();
    const other = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    await other.close();
  });

  it("answers a bad frame sent during a slow token check only after ready (nothing else comes first)", async () => {
    const { authenticate: slow, release } = heldTokenCheck(authenticate);
    fixture = await startLive({ authenticate: slow });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob" });
    socket.send("garbage");
    socket.send({ type: "auth", token: "bob" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await socket.next();
    await socket.next();
    await socket.next();
    expect(socket.messages.map((m) => m.type)).to.deep.equal(["ready", "error", "error"]);
    await socket.close();
  });

  it("refuses with 4403, once the token is good, a channel name that cannot be one (empty, too long)", async () => {
    fixture = await startLive({ authenticate });
    for (const name of ["", "x".repeat(201)]) {
      const socket = await TestSocket.open(fixture.wsUrl);
      socket.send({ type: "auth", token: "alice", channels: ["user:alice", name] });
      expect((await socket.closed).code).to.equal(4403);
      expect((socket.messages[0] as { message: string }).message).to.contain("auth.channels[1]");
    }
  });

  it("still refuses a bad token with 4401 before judging its channel names", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "mallory", channels: [""] });
    expect((await socket.closed).code).to.equal(4401);
  });

  it("takes \"*\" asked for by name as every channel from a token that grants every one", async () => {
    fixture = await startLive();
    await fixture.live.hub.publish("c", [change("a")]);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "any", channels: ["*"] });
    expect(socket.messages[0]).to.deep.include({ channels: ["*"] });
    await fixture.live.hub.publish("d", [change("b")]);
    const [next] = await socket.changes(1);
    expect([next.channel, next.change.id]).to.deep.equal(["d", "b"]);
    await socket.close();
  });

  // Found by an attack review: a list from authenticate holding "*" (channel
  // names made from user data) let a socket that named no channels follow
  // every channel, though asking for "*" by name was refused.
  it("gives a socket naming no channels only the real channels of a list that holds \"*\" too", async () => {
    fixture = await startLive({ authenticate: (token) => (token === "mixed" ? ["*", "user:a"] : null) });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "mixed" });
    expect(socket.messages[0]).to.deep.include({ channels: ["user:a"], seq: { "user:a": 0 } });
    await fixture.live.hub.publish("user:b", [change("theirs")]);
    await fixture.live.hub.publish("user:a", [change("mine")]);
    const [next] = await socket.changes(1);
    expect([next.channel, next.change.id]).to.deep.equal(["user:a", "mine"]);
    await socket.close();
  });

  it("lists a channel named __proto__ in ready.seq like any other", async () => {
    fixture = await startLive();
    await fixture.live.hub.publish("__proto__", [change("a")]);
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "any", channels: ["__proto__", "constructor"] });
    const { seq } = socket.messages[0] as { seq: Record<string, number> };
    expect(Object.entries(seq)).to.deep.equal([["__proto__", 1], ["constructor", 0]]);
    await socket.close();
  });

  it("refuses a long channel name of many-byte characters with a close reason cut to what a close frame holds", async () => {
    fixture = await startLive({ authenticate });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "bob", channels: ["ü".repeat(150)] });
    const closed = await socket.closed;
    expect(closed.code).to.equal(4403);
    expect(Buffer.byteLength(closed.reason)).to.be.at.most(123);
    const again = await TestSocket.ready(fixture.wsUrl, { token: "bob" });
    await again.close();
  });
});
