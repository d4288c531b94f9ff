import { expect } from "chai";
import { Atmos } from "../../lib";
import { LiveClient } from "../../lib/live";
import { MemoryStorage } from "../fakes/memory-storage";
import { startLive, type LiveFixture } from "./support/live-fixture";

describe('the "atmos2/live" entry', () => {
  let atmos: Atmos | undefined;
  afterEach(() => {
    atmos?.close();
    atmos = undefined;
  });

  it('makes atmos.live throw an error naming import "atmos2/live" when it was not loaded', () => {
    const installed = Atmos.LiveClient;
    Atmos.LiveClient = undefined;
    try {
      atmos = new Atmos({ storage: new MemoryStorage() });
      expect(() => atmos!.live).to.throw('import "atmos2/live"');
      expect(() => atmos!.live).to.throw("dist/atmos2-live.js");
    } finally {
      Atmos.LiveClient = installed;
    }
  });

  it("gives every Atmos instance one live client of its own, made on first use", () => {
    expect(Atmos.LiveClient).to.equal(LiveClient);
    atmos = new Atmos({ storage: new MemoryStorage() });
    const other = new Atmos({ storage: new MemoryStorage() });
    try {
      expect(atmos.live).to.be.an.instanceOf(LiveClient);
      expect(atmos.live).to.equal(atmos.live);
      expect(other.live).to.not.equal(atmos.live);
    } finally {
      other.close();
    }
  });

  describe("with a live server", () => {
    let fixture: LiveFixture;
    beforeEach(async () => {
      fixture = await startLive({ authenticate: (token) => (token === "good" ? ["user:me"] : null) });
    });
    afterEach(() => fixture.close());

    it("connects through atmos.live, emits live:connected on atmos, and atmos.close() disconnects it", async () => {
      atmos = new Atmos({ storage: new MemoryStorage() });
      const seen: string[][] = [];
      atmos.on("live:connected", ({ channels }) => seen.push(channels));
      await atmos.live.connect(fixture.wsUrl, { token: "good" });
      expect(atmos.live.connected).to.equal(true);
      expect(seen).to.deep.equal([["user:me"]]);
      const live = atmos.live;
      atmos.close();
      atmos = undefined;
      expect(live.connected).to.equal(false);
    });
  });

  // Without any WebSocket (Node 20 with no ws installed), connect() rejects naming
  // new Atmos({ WebSocket }): spec/package/live-in-node.spec.ts, where ws can
  // truly be missing (from here, lib/live finds this checkout's ws).
});
