import { expect } from "chai";
import { Atmos } from "../../lib";
import "../../lib/live";
import type { LiveChange } from "../../lib/live/live-protocol";
import { MemoryStorage } from "../fakes/memory-storage";
import { resetModels } from "../lib/models";
import { startLive, type LiveFixture } from "./support/live-fixture";

const change = (id: string): LiveChange => ({ type: "created", collection: "lists", id, attrs: { id, title: `list ${id}` } });

/**
 * Two apps on one origin share localStorage and keep apart by `prefix`
 * (API.md: every storage key starts with it). The live sequence numbers are
 * storage keys too: one app's progress must not make the other skip changes.
 */
describe("live sequence numbers under the prefix option", () => {
  let fixture: LiveFixture;
  const made: Atmos[] = [];
  const atmosWith = (storage: Storage, prefix: string) => {
    const atmos = new Atmos({ storage, prefix });
    atmos.resourceClient.base = "http://127.0.0.1:9";
    made.push(atmos);
    return atmos;
  };
  const changesSeen = (atmos: Atmos) => {
    const ids: string[] = [];
    atmos.on("live:change", ({ change }) => ids.push(change.id));
    return ids;
  };
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  beforeEach(async () => {
    resetModels();
    fixture = await startLive({ authenticate: (token) => (token === "good" ? ["user:me"] : null) });
  });
  afterEach(async () => {
    for (const atmos of made.splice(0)) atmos.close();
    await fixture.close();
  });

  it("keeps each app's last applied seq under its own prefix", async () => {
    const storage = new MemoryStorage();
    const one = atmosWith(storage, "one:");
    const seen = changesSeen(one);
    await one.live.connect(fixture.wsUrl, { token: "good" });
    await fixture.live.hub.publish("user:me", [change("L1"), change("L2")]);
    await until(() => seen.length === 2);
    expect(seen).to.deep.equal(["L1", "L2"]);
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)!).filter((key) => key.includes("live:"));
    expect(keys).to.include("one:live:seq:user:me");
    expect(keys.filter((key) => !key.startsWith("one:")), "no live key outside the prefix").to.deep.equal([]);
  });

  it("resumes each app from what it applied itself, whatever the other app applied", async () => {
    const storage = new MemoryStorage();
    const one = atmosWith(storage, "one:");
    const two = atmosWith(storage, "two:");
    const seenByOne = changesSeen(one);
    const seenByTwo = changesSeen(two);
    await one.live.connect(fixture.wsUrl, { token: "good" });
    await two.live.connect(fixture.wsUrl, { token: "good" });
    await fixture.live.hub.publish("user:me", change("L1"));
    await until(() => seenByOne.length === 1 && seenByTwo.length === 1);
    // The second app's page closes; the first one goes on applying changes.
    two.close();
    await fixture.live.hub.publish("user:me", [change("L2"), change("L3")]);
    await until(() => seenByOne.length === 3);

    const twoAgain = atmosWith(storage, "two:");
    const seenAfterReload = changesSeen(twoAgain);
    await twoAgain.live.connect(fixture.wsUrl, { token: "good" });
    await until(() => seenAfterReload.length === 2);
    expect(seenAfterReload).to.deep.equal(["L2", "L3"]);
  });
});
