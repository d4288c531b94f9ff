import { expect } from "chai";
import { WebSocket } from "ws";
import { LiveClient, socketUrl } from "../../lib/live/live-client";
import type { LiveSocketConstructor } from "../../lib/live/live-socket";
import type { LiveChange } from "../../lib/live/live-protocol";
import { FakeLiveHost } from "../fakes/fake-live-host";
import { RecordingClock } from "../fakes/recording-clock";
import { startTcpCutProxy, TcpCutProxy } from "../fakes/tcp-cut-proxy";
import { startLive, LiveFixture } from "./support/live-fixture";

const change = (id: string): LiveChange => ({ type: "updated", collection: "tasks", id, attrs: { id, title: `task ${id}` } });
const ids = (host: FakeLiveHost) => host.applied.map((c) => c.id);
const fast = { backoff: { initialMs: 20, maxMs: 200 } };
const authenticate = (token: string) => (token === "good" ? ["user:me", "team"] : null);

describe("live client", () => {
  let fixture: LiveFixture;
  let proxy: TcpCutProxy | undefined;
  let clients: LiveClient[] = [];
  const client = (host: FakeLiveHost, options = {}) => {
    const made = new LiveClient(host, { ...fast, ...options });
    clients.push(made);
    return made;
  };
  beforeEach(async () => {
    fixture = await startLive({ authenticate, replayLimit: 5 });
  });
  afterEach(async () => {
    for (const c of clients) c.disconnect();
    clients = [];
    await proxy?.close();
    proxy = undefined;
    await fixture.close();
  });

  it("resolves connect once the server accepts the token, and says it is connected", async () => {
    const host = new FakeLiveHost();
    const live = client(host);
    expect(live.connected).to.equal(false);
    await live.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    expect(live.connected).to.equal(true);
    expect(host.eventNames()).to.deep.equal(["live:connected"]);
    expect(host.events[0].payload).to.deep.include({ channels: ["user:me"] });
    expect(host.pulls, "connect does no pull").to.deep.equal([]);
  });

  it("rejects connect with a token that is not a string, naming it, before any round trip", async () => {
    const host = new FakeLiveHost();
    const error = await client(host).connect(fixture.wsUrl, { token: 5 as any }).then(() => null, (e: Error) => e);
    expect(error?.message).to.equal("live.connect(url, { token }): token must be a string, got number");
    expect(host.eventNames()).to.deep.equal([]);
  });

  // Found by a new user: in Node the message offered "a path on this page's origin".
  it("rejects a path in Node, where there is no page to resolve it against, saying so", async () => {
    const error = await client(new FakeLiveHost()).connect("/live").then(() => null, (e: Error) => e);
    expect(error?.message).to.equal('live.connect(url): url must be a ws:// or wss:// URL or an http(s) URL; "/live" is a path, and there is no page here to resolve it against');
  });

  // Found by a new user: { chanels: [...] } connected to every channel the token may join, without a word.
  it("rejects connect with an option it does not know (a misspelt channels), naming the options, before any round trip", async () => {
    const host = new FakeLiveHost();
    const error = await client(host).connect(fixture.wsUrl, { token: "good", chanels: ["user:me"] } as any).then(() => null, (e: Error) => e);
    expect(error?.message).to.equal("live.connect(url, { chanels }): chanels is not an option; the options are token, channels");
    expect(host.eventNames()).to.deep.equal([]);
  });

  it("says so once when the first try cannot open the socket (a wrong path answers 404), then keeps retrying", async () => {
    // A new user's mistake: a URL without /live waited for ever, without a word.
    const host = new FakeLiveHost();
    let tries = 0;
    class CountedSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        tries++;
      }
    }
    const live = client(host, { WebSocket: CountedSocket as unknown as LiveSocketConstructor });
    const url = fixture.wsUrl.replace("/live", "/nope");
    let settled = false;
    void live.connect(url, { token: "good" }).then(
      () => (settled = true),
      () => (settled = true),
    );
    await host.waitFor(() => host.eventNames().length > 0);
    expect(host.eventNames()).to.deep.equal(["live:error"]);
    const { error } = host.events[0].payload as { error: Error };
    expect(error.message).to.contain(url).and.to.contain("/live").and.to.contain("retrying");
    // Still retrying, and not once more told: an outage is not news on every backoff step.
    while (tries < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(host.eventNames()).to.deep.equal(["live:error"]);
    expect(settled).to.equal(false);
    expect(live.connectionState).to.be.oneOf(["waiting", "opening"]);
  });

  it("rejects connect when the token is refused, emits live:error and does not retry", async () => {
    const host = new FakeLiveHost();
    const clock = new RecordingClock();
    const live = client(host, { clock });
    const error = await live.connect(fixture.wsUrl, { token: "bad" }).then(() => null, (e: Error) => e);
    expect(error?.message).to.contain("invalid token");
    expect(host.eventNames()).to.deep.equal(["live:error"]);
    expect(host.events[0].payload).to.deep.include({ code: 4401 });
    expect(live.connected).to.equal(false);
    expect(clock.delays, "no reconnect was scheduled").to.deep.equal([]);
  });

  // Found by an outside review: connect(url) without a token was told "invalid token", as if a wrong one had been given.
  it("says no token was given when connect has none and the server wants one", async () => {
    const host = new FakeLiveHost();
    const error = await client(host).connect(fixture.wsUrl).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/^invalid token: none was given \(auth\.token is empty\); pass it as live\.connect\(url, \{ token \}\)/);
    expect(host.events[0].payload).to.deep.include({ code: 4401 });
  });

  it("rejects with 4403 when a channel is not allowed", async () => {
    const host = new FakeLiveHost();
    const error = await client(host).connect(fixture.wsUrl, { token: "good", channels: ["user:other"] }).then(() => null, (e: Error) => e);
    expect(error?.message).to.contain("user:other");
    expect(host.events[0].payload).to.deep.include({ code: 4403 });
  });

  it("applies changes in order, stores each seq only after applying the change, and emits each as it arrived (API.md: { type, collection, id, attrs }) with its channel and seq", async () => {
    const host = new FakeLiveHost();
    const seqAtApply: unknown[] = [];
    const apply = host.applyLiveChange.bind(host);
    host.applyLiveChange = async (c) => {
      seqAtApply.push(await host.store.get("atmos2:live:seq:user:me"));
      return apply(c);
    };
    await client(host).connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await fixture.live.hub.publish("user:me", [change("a"), change("b"), change("c")]);
    await host.waitFor(() => host.count("live:change") === 3);
    expect(ids(host)).to.deep.equal(["a", "b", "c"]);
    expect(seqAtApply).to.deep.equal([0, 1, 2]);
    expect(await host.store.get("atmos2:live:seq:user:me")).to.equal(3);
    expect(host.events.filter((e) => e.event === "live:change").map((e) => e.payload)).to.deep.equal([
      { ...change("a"), channel: "user:me", seq: 1, change: change("a") },
      { ...change("b"), channel: "user:me", seq: 2, change: change("b") },
      { ...change("c"), channel: "user:me", seq: 3, change: change("c") },
    ]);
  });

  it("joins every channel the token may join when it names none", async () => {
    const host = new FakeLiveHost();
    await client(host).connect(fixture.wsUrl, { token: "good" });
    await fixture.live.hub.publish("team", change("t"));
    await fixture.live.hub.publish("user:me", change("m"));
    await host.waitFor(() => host.applied.length === 2);
    expect(ids(host)).to.deep.equal(["t", "m"]);
  });

  it("reconnects after the network drops and applies what it missed, without gaps or duplicates", async () => {
    proxy = await startTcpCutProxy(Number(new URL(fixture.url).port));
    const host = new FakeLiveHost();
    const live = client(host);
    await live.connect(`ws://127.0.0.1:${proxy.port}/live`, { token: "good", channels: ["user:me"] });
    await fixture.live.hub.publish("user:me", [change("1"), change("2")]);
    await host.waitFor(() => host.applied.length === 2);
    proxy.down();
    proxy.cut();
    await host.waitFor(() => host.count("live:disconnected") === 1);
    expect(live.connected).to.equal(false);
    await fixture.live.hub.publish("user:me", [change("3"), change("4")]);
    proxy.up();
    await host.waitFor(() => host.count("live:connected") === 2);
    await fixture.live.hub.publish("user:me", change("5"));
    await host.waitFor(() => host.applied.length >= 5);
    expect(ids(host)).to.deep.equal(["1", "2", "3", "4", "5"]);
    expect(live.connected).to.equal(true);
    expect(host.pulls).to.deep.equal([]);
  });

  it("resumes after a page reload from the seq kept in storage", async () => {
    const first = new FakeLiveHost();
    const before = client(first);
    await before.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await fixture.live.hub.publish("user:me", [change("1"), change("2")]);
    await first.waitFor(() => first.applied.length === 2);
    before.disconnect();
    await fixture.live.hub.publish("user:me", [change("3"), change("4")]);

    const reloaded = new FakeLiveHost(first.store);
    await client(reloaded).connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await reloaded.waitFor(() => reloaded.applied.length === 2);
    expect(ids(reloaded)).to.deep.equal(["3", "4"]);
    expect(reloaded.pulls).to.deep.equal([]);
  });

  it("pulls when it missed more than the server keeps, then continues from the server's seq", async () => {
    const first = new FakeLiveHost();
    const before = client(first);
    await before.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    before.disconnect();
    await fixture.live.hub.publish("user:me", ["1", "2", "3", "4", "5", "6", "7", "8"].map(change));

    const reloaded = new FakeLiveHost(first.store);
    const live = client(reloaded, { resyncCollections: ["tasks", "lists"] });
    await live.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await reloaded.waitFor(() => reloaded.pulls.length === 2);
    expect(reloaded.pulls).to.deep.equal(["tasks", "lists"]);
    expect(live.seq).to.deep.equal({ "user:me": 8 });
    await fixture.live.hub.publish("user:me", change("9"));
    await reloaded.waitFor(() => reloaded.applied.length === 1);
    expect(ids(reloaded)).to.deep.equal(["9"]);
  });

  it("pulls every model (host.pull with no argument) on a resync when no collections are configured", async () => {
    const first = new FakeLiveHost();
    const before = client(first);
    await before.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    before.disconnect();
    await fixture.live.hub.publish("user:me", ["1", "2", "3", "4", "5", "6", "7"].map(change));
    const reloaded = new FakeLiveHost(first.store);
    await client(reloaded).connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await reloaded.waitFor(() => reloaded.pulls.length === 1);
    expect(reloaded.pulls).to.deep.equal([undefined]);
    expect(reloaded.eventNames()).to.include("live:resync");
  });

  it("stops reconnecting after disconnect() until the next connect()", async () => {
    const host = new FakeLiveHost();
    const clock = new RecordingClock();
    const live = client(host, { clock });
    await live.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    live.disconnect();
    expect(live.connected).to.equal(false);
    expect(host.eventNames()).to.deep.equal(["live:connected", "live:disconnected"]);
    await fixture.live.hub.publish("user:me", change("while-away"));
    await live.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await host.waitFor(() => host.applied.length === 1);
    expect(ids(host)).to.deep.equal(["while-away"]);
    expect(clock.delays, "no reconnect was scheduled").to.deep.equal([]);
  });

  it("reports a change it cannot apply and goes on with the next ones", async () => {
    const host = new FakeLiveHost();
    host.failOn = (c) => c.id === "bad";
    await client(host).connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await fixture.live.hub.publish("user:me", [change("bad"), change("good")]);
    await host.waitFor(() => host.applied.length === 1 && host.count("live:change") === 2);
    expect(ids(host)).to.deep.equal(["good"]);
    const failure = host.events.find((e) => e.event === "live:error")!.payload as { error: Error; change: LiveChange };
    expect(failure.error.message).to.contain("cannot apply updated bad");
    expect(failure.change.id).to.equal("bad");
  });

  it("reconnects to a restarted server and pulls, since its old seqs count from before the restart", async () => {
    const host = new FakeLiveHost();
    const live = client(host);
    await live.connect(fixture.wsUrl, { token: "good", channels: ["user:me"] });
    await fixture.live.hub.publish("user:me", [change("1"), change("2"), change("3")]);
    await host.waitFor(() => host.applied.length === 3);
    const port = Number(new URL(fixture.url).port);
    await fixture.close();
    await host.waitFor(() => host.count("live:disconnected") === 1);
    fixture = await startLive({ authenticate, replayLimit: 5, port });
    await fixture.live.hub.publish("user:me", change("after-restart"));
    await host.waitFor(() => host.count("live:connected") === 2);
    await host.waitFor(() => host.pulls.length === 1);
    expect(live.seq).to.deep.equal({ "user:me": 1 });
    await fixture.live.hub.publish("user:me", change("next"));
    await host.waitFor(() => host.applied.length === 4);
    expect(ids(host)).to.deep.equal(["1", "2", "3", "next"]);
  });

  it("rejects a URL that is not a WebSocket URL, naming it", async () => {
    const error = await client(new FakeLiveHost()).connect("ftp://example.test/live", { token: "good" }).then(() => null, (e: Error) => e);
    expect(error?.message).to.contain("ws://");
    expect(error?.message).to.contain("ftp://example.test/live");
  });

  it("turns http(s) URLs into ws(s) URLs, and leaves ws URLs alone", () => {
    expect(socketUrl("http://example.test/live")).to.equal("ws://example.test/live");
    expect(socketUrl("https://example.test/live")).to.equal("wss://example.test/live");
    expect(socketUrl("wss://example.test/live")).to.equal("wss://example.test/live");
    // No page here (Node): a path has no origin to resolve against.
    expect(socketUrl("/live")).to.equal("/live");
  });
});
