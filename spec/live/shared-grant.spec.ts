import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { tokenListAuthenticator } from "../../server/live";
import { AuthDecision, toGrant } from "../../server/live/authenticate";

const request = {} as IncomingMessage;

// A grant per socket costs memory at 10,000 sockets; a grant shared by
// sockets must never outlive a change to the channels it was built from.
describe("grants shared between the sockets of one token", () => {
  it("gives every socket of a listed token the same grant", async () => {
    const authenticate = tokenListAuthenticator("t1:chanA,chanB;t2:chanC");
    const first = toGrant((await authenticate("t1", request)) as AuthDecision);
    const second = toGrant((await authenticate("t1", request)) as AuthDecision);
    expect(second).to.equal(first);
    expect(first.allows("chanB")).to.equal(true);
    expect(first.allows("chanC")).to.equal(false);
    expect(toGrant((await authenticate("t2", request)) as AuthDecision)).to.not.equal(first);
  });

  it("reads a list that is not frozen again on every socket, so a change to it counts", () => {
    const channels = ["chanA"];
    expect(toGrant(channels).allows("chanB")).to.equal(false);
    channels.push("chanB");
    expect(toGrant(channels).allows("chanB")).to.equal(true);
  });

  it("keeps who a socket is apart, even for equal channel lists", () => {
    const alice = toGrant({ channels: Object.freeze(["room"]) as string[], user: "alice" });
    const bob = toGrant({ channels: Object.freeze(["room"]) as string[], user: "bob" });
    expect([alice.user, bob.user]).to.deep.equal(["alice", "bob"]);
  });
});
