import { expect } from "chai";
import { EventEmitter } from "node:events";
import net from "node:net";
import { capConnectionsPerAddress } from "../../../server/live/connection-cap";

/** A connection as the cap sees it: where it comes from, and whether it was closed. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    this.destroyed = true;
    this.emit("close");
  }
}

/**
 * Found by an attacker's review: the cap counted connections by their exact
 * address while every other per-address limit counts an IPv6 client by its
 * /64, so a host holding a /64 (as most do) opened 256 connections from each
 * of its addresses. The cap now groups addresses as the other limits do.
 */
describe("connection cap: which connections count as one address's", () => {
  // The cap only listens for "connection": a server that does not listen gets them from the spec.
  const open = (server: net.Server, address: string) => {
    const socket = new FakeSocket(address);
    server.emit("connection", socket);
    return socket;
  };

  it("counts the addresses of one IPv6 /64 together, and another /64 apart", () => {
    const server = net.createServer();
    const told: string[] = [];
    capConnectionsPerAddress(server, 2, (address) => told.push(address));
    expect(open(server, "2001:db8:1:2::1").destroyed).to.equal(false);
    expect(open(server, "2001:db8:1:2::2").destroyed).to.equal(false);
    expect(open(server, "2001:db8:1:2:ffff::3").destroyed, "a third address of the same /64").to.equal(true);
    expect(open(server, "2001:db8:1:3::1").destroyed, "another /64").to.equal(false);
    expect(told).to.deep.equal(["2001:db8:1:2::/64"]);
  });

  it("counts an IPv4 client the same however Node writes its address", () => {
    const server = net.createServer();
    capConnectionsPerAddress(server, 1);
    const first = open(server, "::ffff:192.0.2.7");
    expect(open(server, "192.0.2.7").destroyed).to.equal(true);
    first.destroy();
    expect(open(server, "192.0.2.7").destroyed, "once the first closed").to.equal(false);
  });
});
