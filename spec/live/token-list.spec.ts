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
});
