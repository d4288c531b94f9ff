import { expect } from "chai";
import type { Atmos, ErrorPayload } from "../../../lib";
import { OfflineList, openAtmos } from "./browser-page";

/**
 * Found by a review at the network's edge: an API that redirects to another
 * origin that sends no CORS headers (http → https, a new host) fails every
 * fetch as a network failure would. The change was retried forever, and the
 * page said it was offline while the network was up. A setup mistake:
 * parked, with an error that names the redirect.
 */
describe("an API that redirects to another origin without CORS (Chromium)", () => {
  let atmos: Atmos;
  let errors: ErrorPayload[];
  let offline: number;

  beforeEach(() => {
    localStorage.clear();
    OfflineList.deleteAll();
    atmos = openAtmos();
    atmos.resourceClient.base = `${location.origin}/moved-away/tasks/v1`;
    errors = [];
    offline = 0;
    atmos.on("error", (payload) => errors.push(payload));
    atmos.on("offline", () => offline++);
  });
  afterEach(() => atmos.close());

  it("parks the change with an error naming the redirect, keeps the record, and does not say offline", async () => {
    const list = OfflineList.create({ title: "Moved" }, { remote: true }) as OfflineList & { syncState(): string };
    await atmos.push();
    expect(errors.map((e) => e.type)).to.deep.equal(["config"]);
    expect(errors[0].error.message).to.equal(
      `OfflineList POST ${location.origin}/moved-away/tasks/v1/users/@me/lists cannot be sent: the server redirects it to another address (301, 302, 303, 307 or 308), which does not let this page read its answers (no CORS headers for this origin); point resourceClient.base and the routes at the address the server redirects to`,
    );
    expect(offline).to.equal(0);
    expect(atmos.status()).to.include({ online: true, failed: 1 });
    expect((OfflineList.find(list.id) as any).syncState()).to.equal("failed");
  });

  it("says online again when the redirect is met after the server was down (the server answers)", async () => {
    const list = OfflineList.create({ title: "Down, then moved" }, { remote: true }) as OfflineList;
    const moved = atmos.resourceClient.base;
    atmos.resourceClient.base = "http://127.0.0.1:1/tasks/v1";
    await atmos.push();
    expect(atmos.status().online, "after a refused connection").to.equal(false);
    atmos.resourceClient.base = moved;
    await atmos.push();
    expect(errors.at(-1)!.type).to.equal("config");
    expect(atmos.status()).to.include({ online: true, failed: 1 });
    expect((OfflineList.find(list.id) as any).syncState()).to.equal("failed");
  });
});
