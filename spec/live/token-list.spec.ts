import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { tokenListAuthenticator } from "../../server/live";

const request = {} as IncomingMessage;

describe("ATMOS_TOKENS for the standalone server", () => {
  it("gives each token its channels, and * every channel", async () => {
    const authenticate = tokenListAuthenticator("token1:chanA,chanB; token2:*");
    expect(await authenticate("token1", request)).to.deep.equal(["chanA", "chanB"]);
    expect(await authenticate("token2", request)).to.equal("*");
    expect(await authenticate("token3", request)).to.equal(null);
  });

  it("refuses every token when the list is empty", async () => {
    expect(await tokenListAuthenticator("")("anything", request)).to.equal(null);
  });

  for (const bad of ["token1", ":chanA", "token1:"]) {
    it(`names the malformed entry "${bad}" by its place, without printing the token`, () => {
      let message = "";
      try {
        tokenListAuthenticator(`good:chanA;${bad}`);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(/^ATMOS_TOKENS entry 2 /);
      expect(message).to.not.include("token1");
    });
  }

  // Found by an attack review: "dup:user:x;dup:*" gave the token every
  // channel, the last entry winning in silence; a list edited by hand (a
  // token moved from one user to another, the old line left) does that.
  it("refuses a token listed twice, naming both entries, without printing the token", () => {
    let message = "";
    try {
      tokenListAuthenticator("dup-token:user:x; other:chanA; dup-token:*");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/^ATMOS_TOKENS entry 3 repeats the token of entry 1/);
    expect(message).to.not.include("dup-token");
  });
});
