import { expect } from "chai";
import { LiveClient } from "../../lib/live/live-client";
import type { LiveChange } from "../../lib/live/live-protocol";
import { FakeLiveHost } from "../fakes/fake-live-host";
import { startTcpCutProxy, TcpCutProxy } from "../fakes/tcp-cut-proxy";
import { startLive, LiveFixture } from "./support/live-fixture";
import { TestSocket } from "./support/test-socket";

const change = (id: string): LiveChange => ({ type: "updated", collection: "tasks", id, attrs: { id } });

/**
 * API.md: "`channels` omitted = every channel the token may join", and "no
 * change is missed or applied twice across a reconnect" — also on channels
 * that first appear while the client is away.
 */
describe("live: following every channel a token may join", () => {
  let fixture: LiveFixture;
  let proxy: TcpCutProxy | undefined;
  const sockets: TestSocket[] = [];
  const clients: LiveClient[] = [];
  beforeEach(async () => {
    fixture = await startLive({ authenticate: () => "*", replayLimit: 50 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of sockets.splice(0)) await s.close();
    await proxy?.close();
    proxy = undefined;
    await fixture.close();
  });
  const ready = async (auth: Record<string, unknown>) => {
    const socket = await TestSocket.ready(fixture.wsUrl, { token: "t", ...auth });
    sockets.push(socket);
    return socket;
  };

  it("says in ready where every channel stands", async () => {
    await fixture.live.hub.publish("a", [change("1"), change("2")]);
    await fixture.live.hub.publish("b", change("3"));
    const socket = await ready({});
    expect(socket.messages[0]).to.deep.include({ type: "ready", channels: ["*"], seq: { a: 2, b: 1 } });
  });

  it("replays to a returning client the channels that began while it was away", async () => {
    await fixture.live.hub.publish("a", change("1"));
    const first = await ready({});
    const { epoch } = first.messages[0] as { epoch: string };
    await first.close();
    await fixture.live.hub.publish("b", [change("2"), change("3")]);
    await fixture.live.hub.publish("a", change("4"));

    const again = await ready({ since: { a: 1 }, epoch });
    expect(again.messages[0]).to.deep.include({ seq: { a: 2, b: 2 } });
    const got = await again.changes(3);
    expect(got.map((m) => `${m.channel}:${m.seq}:${m.change.id}`).sort()).to.deep.equal(["a:2:4", "b:1:2", "b:2:3"]);
  });

  it("sends no resync for a channel named like a built-in property (toString, constructor), as for any other", async () => {
    // Found from outside: `since[channel]` read the inherited method for these names.
    const names = ["toString", "constructor", "hasOwnProperty", "valueOf", "user:42"];
    await fixture.live.hub.publish("toString", change("1"));
    const socket = await ready({ channels: names });
    const returning = await ready({ channels: names, since: { "user:42": 0 } });
    // A change after ready: anything sent before it (a resync) is in the messages by then.
    await fixture.live.hub.publish("valueOf", change("2"));
    await socket.until((m) => m.type === "change");
    await returning.until((m) => m.type === "change");
    for (const s of [socket, returning]) expect(s.messages.filter((m) => m.type === "resync")).to.deep.equal([]);
  });

  it("replays nothing to a client that has never been connected", async () => {
    await fixture.live.hub.publish("a", change("1"));
    const socket = await ready({});
    await fixture.live.hub.publish("b", change("2"));
    const [next] = await socket.changes(1);
    expect(`${next.channel}:${next.seq}`).to.equal("b:1");
  });

  it("applies, after a reconnect, the changes on a channel that began while the network was down", async () => {
    proxy = await startTcpCutProxy(Number(new URL(fixture.url).port));
    const host = new FakeLiveHost();
    const live = new LiveClient(host, { backoff: { initialMs: 20, maxMs: 200 } });
    clients.push(live);
    await live.connect(`ws://127.0.0.1:${proxy.port}/live`, { token: "t" });
    await fixture.live.hub.publish("a", [change("a1"), change("a2")]);
    await host.waitFor(() => host.applied.length === 2);
    proxy.down();
    proxy.cut();
    await host.waitFor(() => host.count("live:disconnected") === 1);
    await fixture.live.hub.publish("b", change("b1"));
    await fixture.live.hub.publish("a", change("a3"));
    proxy.up();
    await host.waitFor(() => host.applied.length === 4);
    expect(host.applied.map((c) => c.id).sort()).to.deep.equal(["a1", "a2", "a3", "b1"]);
    expect(host.pulls).to.deep.equal([]);
  });
});
