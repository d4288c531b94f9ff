import { expect } from "chai";
import { cliFixture, SECRET, TOKEN } from "./support/cli-fixture";

/**
 * Found by an attacker's review: atmos2-server put behind a reverse proxy
 * without ATMOS_TRUST_PROXY counted every client as the proxy, so 20 wrong
 * tokens from anyone locked everyone out, and nothing said why. Now the
 * first request carrying X-Forwarded-For has it say so, once.
 */
describe("atmos2-server: X-Forwarded-For without ATMOS_TRUST_PROXY", () => {
  const cli = cliFixture();
  const { serve, auth, update } = cli;

  it("says once, naming ATMOS_TRUST_PROXY, that clients behind a proxy share its address when X-Forwarded-For comes without it", async () => {
    const url = await serve();
    expect(await auth(url, TOKEN, { "X-Forwarded-For": "203.0.113.7" })).to.equal("ready");
    expect(await update(url, SECRET, { "X-Forwarded-For": "203.0.113.8" })).to.equal(202);
    await fetch(`${url}/health`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    const warnings = cli.printed.filter((line) => line.includes("X-Forwarded-For"));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain("ATMOS_TRUST_PROXY").and.to.match(/share/);
  });

  it("says nothing of X-Forwarded-For with ATMOS_TRUST_PROXY=1, or when no request carries it", async () => {
    let url = await serve({ ATMOS_TRUST_PROXY: "1" });
    expect(await auth(url, TOKEN, { "X-Forwarded-For": "203.0.113.7" })).to.equal("ready");
    expect(cli.printed.filter((line) => line.includes("X-Forwarded-For"))).to.deep.equal([]);
    await cli.stop();
    url = await serve();
    expect(await auth(url, TOKEN)).to.equal("ready");
    expect(cli.printed.filter((line) => line.includes("X-Forwarded-For"))).to.deep.equal([]);
  });
});
