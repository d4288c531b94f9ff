import { expect } from "chai";
import type { Atmos, ErrorPayload } from "../../../lib";
import { OfflineList, openAtmos } from "./browser-page";

/**
 * Found by an outside review following the README's Google setup without its
 * `rc.idempotencyHeader = null`: the API's CORS preflight allowed only
 * `authorization, content-type`, so every write failed as "Failed to fetch",
 * said offline for good while the page's pulls worked, and nothing named
 * CORS or the header. The change is still retried (a dropped connection
 * looks the same to the page), but the error says what to check.
 */
describe("an API whose CORS preflight refuses a header atmos2 sends (Chromium)", () => {
  let atmos: Atmos;
  let errors: ErrorPayload[];

  beforeEach(() => {
    localStorage.clear();
    OfflineList.deleteAll();
    atmos = openAtmos();
    // Another origin than the page's (localhost): the request needs CORS.
    atmos.resourceClient.base = `http://127.0.0.1:${location.port}/strict-cors/tasks/v1`;
    errors = [];
    atmos.on("error", (payload) => errors.push(payload));
  });
  afterEach(() => atmos.close());

  it("names CORS, the method and the headers sent in the error, and keeps the change to send again", async () => {
    const list = OfflineList.create({ title: "Preflight" }, { remote: true }) as OfflineList & { syncState(): string };
    await new Promise((resolve) => atmos.on("error", resolve));
    expect(errors[0].status).to.equal(0);
    expect(errors[0].error.message)
      .to.contain("Failed to fetch")
      .and.contain("refused its CORS preflight")
      .and.contain("allows POST")
      .and.contain("Idempotency-Key");
    expect(errors[0].retrying).to.equal(true);
    expect((OfflineList.find(list.id) as any).syncState()).to.equal("pending");
  });
});
