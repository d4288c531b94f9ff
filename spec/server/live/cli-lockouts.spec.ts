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

/**
 * Found by an attack review: a 1 MiB `[[[[…` body to POST /update took
 * JSON.parse over 600 ms, the event loop stalled for every socket (socket
 * frames were refused before parsing; /update was not).
 */
describe("atmos2-server: POST /update with a body nested deeper than any change", () => {
  const { serve } = cliFixture();

  it("is refused with 400 naming the limit, before it is parsed", async () => {
    const url = await serve();
    const res = await fetch(`${url}/update`, { method: "POST", headers: { "Content-Type": "application/json", "X-Atmos-Secret": SECRET }, body: "[".repeat(5000) + "]".repeat(5000) });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: string }).error).to.match(/nests objects or arrays deeper than 1000 levels \(a change's attrs may nest 100\)/);
  });
});
