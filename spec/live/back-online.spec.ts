import { expect } from "chai";
import { WebSocket } from "ws";
import { Atmos, ManualConnectivity } from "../../lib";
import "../../lib/live";
import { FakeClock } from "../fakes/fake-clock";
import { MemoryStorage } from "../fakes/memory-storage";
import { startTcpCutProxy, type TcpCutProxy } from "../fakes/tcp-cut-proxy";
import { startLive, type LiveFixture } from "./support/live-fixture";

/**
 * Live updates come back as soon as the network does. The live client
 * waited out its back-off (up to a minute) after the connection came back,
 * so changes made elsewhere meanwhile reached the page late, or only on the
 * next pull. Now the `online` news of the Atmos reconnects a waiting socket
 * at once.
 */
describe("live: back online", () => {
  let fixture: LiveFixture;
  let proxy: TcpCutProxy;
  let atmos: Atmos;

  afterEach(async () => {
    atmos?.close();
    await proxy?.close();
    await fixture?.close();
  });

  it("reconnects at once when the network comes back, without waiting out the back-off", async () => {
    fixture = await startLive();
    proxy = await startTcpCutProxy(Number(new URL(fixture.url).port));
    const clock = new FakeClock();
    const connectivity = new ManualConnectivity();
    atmos = new Atmos({ storage: new MemoryStorage(), clock, connectivity, WebSocket: WebSocket as never });
    const events: string[] = [];
    atmos.on("live:connected", () => events.push("connected"));
    atmos.on("live:disconnected", () => events.push("disconnected"));
    await atmos.live.connect(`ws://127.0.0.1:${proxy.port}/live`, { token: "t" });

    // The network goes: the socket drops, and the client waits out a back-off (the clock never moves here).
    connectivity.set(false);
    proxy.down();
    proxy.cut();
    while (atmos.live.connectionState !== "waiting") await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).to.deep.equal(["connected", "disconnected"]);

    proxy.up();
    connectivity.set(true);
    const deadline = Date.now() + 5000;
    while (!atmos.live.connected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(atmos.live.connectionState).to.equal("connected");
    expect(events).to.deep.equal(["connected", "disconnected", "connected"]);
  });
});
