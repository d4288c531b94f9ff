import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

/**
 * Found while documenting the server: `authenticate` returning
 * `{ channels: (channel) => … }` let a socket that named no channels follow
 * every channel, the predicate never asked: a socket allowed only
 * `user:alice` received `user:bob`'s changes.
 */
describe("live server: a grant by predicate", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  const onlyAlice = () => ({ channels: (channel: string) => channel === "user:alice", user: "alice" });

  it("refuses with 4403 a socket that names no channels, saying to name them, and subscribes it to nothing", async () => {
    fixture = await startLive({ authenticate: onlyAlice });
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "t" });
    const error = await socket.next();
    expect(error.type).to.equal("error");
    expect((error as { message: string }).message).to.match(/name the channels to join in auth\.channels/);
    expect((await socket.closed).code).to.equal(4403);
    await fixture.live.hub.publish("user:bob", { type: "deleted", collection: "tasks", id: "1" });
    expect(fixture.live.hub.follows("user:bob")).to.equal(false);
  });

  it("still lets the socket follow the channels it names and the predicate allows", async () => {
    fixture = await startLive({ authenticate: onlyAlice });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["user:alice"] });
    await fixture.live.hub.publish("user:bob", { type: "deleted", collection: "tasks", id: "1" });
    await fixture.live.hub.publish("user:alice", { type: "deleted", collection: "tasks", id: "2" });
    const [change] = await socket.changes(1);
    expect(change.channel).to.equal("user:alice");
    await socket.close();
  });

  // Found by an attacker's review: a predicate that throws (a room lookup on
  // a name it does not know) failed a sync request sent after ready, but one
  // sent with the auth, held until ready, was run with nothing to catch its
  // failure, and Node stopped the whole server.
  it("fails a sync request the predicate throws on, sent before ready too, and the server stays up", async () => {
    const rooms: Record<string, { members: string[] }> = { a: { members: ["alice"] } };
    fixture = await startLive({ authenticate: () => ({ channels: (channel: string) => rooms[channel.slice(5)]!.members.includes("alice"), user: "alice" }) });
    fixture.live.backend.use((_req: unknown, res: { end(body: unknown): void }) => res.end([]));
    const socket = await TestSocket.open(fixture.wsUrl);
    socket.send({ type: "auth", token: "t", channels: ["room:a"] });
    socket.send({ type: "sync", method: "read", collection: "msgs", requestId: 1, channel: "room:zzz" });
    const answer = await socket.until((message) => message.type === "error");
    expect(answer).to.deep.equal({ type: "error", requestId: 1, message: "live server error, try again" });
    socket.send({ type: "sync", method: "read", collection: "msgs", requestId: 2, channel: "room:a" });
    const result = await socket.until((message) => message.type === "result");
    expect((result as { requestId: number }).requestId).to.equal(2);
    const other = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["room:a"] });
    await other.close();
    await socket.close();
  });
});
