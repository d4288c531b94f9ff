import { expect } from "chai";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const change = (id: string) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id } });

describe("live server channels", () => {
  let fixture: LiveFixture;
  afterEach(async () => fixture?.close());

  it("delivers a change only to the sockets subscribed to its channel", async () => {
    fixture = await startLive({ authenticate: () => "*" });
    const alice = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["user:alice"] });
    const bob = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["user:bob"] });
    await fixture.live.hub.publish("user:alice", change("for-alice"));
    await fixture.live.hub.publish("user:bob", change("for-bob"));
    const [toAlice] = await alice.changes(1);
    const [toBob] = await bob.changes(1);
    expect(toAlice).to.deep.include({ channel: "user:alice", seq: 1 });
    expect(toAlice.change.id).to.equal("for-alice");
    expect(toBob).to.deep.include({ channel: "user:bob", seq: 1 });
    expect(toBob.change.id).to.equal("for-bob");
    // A marker on each socket's own channel proves nothing else was queued before it.
    await fixture.live.hub.publish("user:alice", change("marker"));
    expect((await alice.changes(1))[0].change.id).to.equal("marker");
    await Promise.all([alice.close(), bob.close()]);
  });

  it("numbers changes per channel, one by one", async () => {
    fixture = await startLive();
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["a", "b"] });
    await fixture.live.hub.publish("a", [change("1"), change("2")]);
    await fixture.live.hub.publish("b", change("3"));
    await fixture.live.hub.publish("a", change("4"));
    const got = await socket.changes(4);
    expect(got.map((m) => [m.channel, m.seq, m.change.id])).to.deep.equal([["a", 1, "1"], ["a", 2, "2"], ["b", 1, "3"], ["a", 3, "4"]]);
    await socket.close();
  });

  it("lets a token allowed every channel follow all of them when it names none", async () => {
    fixture = await startLive({ authenticate: () => "*" });
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "admin" });
    expect(socket.messages[0]).to.deep.include({ type: "ready", channels: ["*"] });
    await fixture.live.hub.publish("x", change("1"));
    await fixture.live.hub.publish("y", change("2"));
    const got = await socket.changes(2);
    expect(got.map((m) => m.channel)).to.deep.equal(["x", "y"]);
    await socket.close();
  });

  it("publishes Backbone.IO style with hub.emit, taking the id from the attributes", async () => {
    fixture = await startLive();
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", channels: ["c"] });
    const seq = await fixture.live.hub.emit("deleted", "tasks", { id: 7, title: "gone" }, { channel: "c" });
    expect(seq).to.equal(1);
    const [got] = await socket.changes(1);
    expect(got.change).to.deep.equal({ type: "deleted", collection: "tasks", id: "7", attrs: { id: 7, title: "gone" } });
    await socket.close();
  });

  it("rejects a malformed change from an in-process backend with a message naming the field", async () => {
    fixture = await startLive();
    const badType = await fixture.live.hub.publish("c", { type: "changed", collection: "tasks", id: "1" } as never).catch((e: Error) => e);
    expect((badType as Error).message).to.contain("change.type");
    const noId = await fixture.live.hub.emit("created", "tasks", { title: "no id" }, { channel: "c" }).catch((e: Error) => e);
    expect((noId as Error).message).to.contain("attrs.id");
  });
});
