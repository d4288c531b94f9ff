import { expect } from "chai";
import { cliFixture, SECRET, TOKEN } from "./support/cli-fixture";

/**
 * Found by an attacker's review: wrong tokens on /live and wrong secrets on
 * POST /update shared one count per address, so anyone who could reach
 * /live from the backend's address (the same machine, the same proxy) sent
 * 20 wrong tokens and the backend's POST /update, with the right secret,
 * got 429 for the rest of the minute: no change reached any client.
 */
describe("atmos2-server: wrong tokens and wrong secrets are counted apart", () => {
  const { serve, auth, update } = cliFixture();

  it("publishes the backend's POST /update after 21 anonymous wrong tokens on /live from its address", async () => {
    const url = await serve();
    for (let i = 0; i < 20; i++) expect(await auth(url, `guess-${i}`)).to.equal(4401);
    expect(await auth(url, "guess-20"), "/live itself is locked").to.equal(1013);
    expect(await update(url, SECRET)).to.equal(202);
  });

  it("still locks /update after wrong secrets, and /live stays open to a good token", async () => {
    const url = await serve({ ATMOS_MAX_AUTH_FAILURES: "3" });
    for (let i = 0; i < 3; i++) expect(await update(url, `wrong-secret-${i}`)).to.equal(401);
    expect(await update(url, SECRET)).to.equal(429);
    expect(await auth(url, TOKEN)).to.equal("ready");
  });

  // A page in a browser on the backend's machine can POST to /update, but can
  // never set X-Atmos-Secret (a custom header needs CORS): no guess, not counted.
  it("does not count a POST /update without any secret as a guess", async () => {
    const url = await serve({ ATMOS_MAX_AUTH_FAILURES: "3" });
    for (let i = 0; i < 10; i++) expect(await update(url, undefined)).to.equal(401);
    expect(await update(url, SECRET)).to.equal(202);
  });
});
