import { expect } from "chai";
import { WebSocket } from "ws";
import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";

/**
 * The README's Node set-up, `new Atmos({ WebSocket })` with ws's class, as a
 * strict TypeScript project writes it (with @types/ws): it failed to compile
 * (TS2322, ws's event handlers take ws's own event types), so users needed a
 * cast the README had to show. `npm test`'s type check compiles this file.
 */
describe("new Atmos({ WebSocket }) with the ws package, in strict TypeScript", () => {
  it("takes ws's WebSocket class as it is, no cast", () => {
    const atmos = new Atmos({ storage: new MemoryStorage(), WebSocket });
    expect(atmos).to.be.instanceOf(Atmos);
    atmos.close();
  });
});
