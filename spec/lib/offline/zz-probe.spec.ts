import { expect } from "chai";
it("x", () => expect(1).to.equal(1));
