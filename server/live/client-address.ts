import { isIPv6 } from "node:net";
import type { IncomingMessage } from "node:http";

/**
 * Who a request comes from, as the live server's per-address limits count
 * it: the TCP peer, an IPv4 address as is (also when Node writes it as
 * `::ffff:1.2.3.4`), an IPv6 address by its /64 network, as one host
 * usually holds a whole /64 and could otherwise take a fresh address for
 * every attempt.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return "";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ""] = address.split("%")[0].split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(":")}::/64`;
}

/**
 * The peer's address; with `trustProxy`, the one the nearest proxy wrote
 * last in X-Forwarded-For (a client can write any value it likes before
 * it, never after it). Only for a server that is reached through a proxy
 * alone: otherwise anyone could send the header and pick its address.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const list = (Array.isArray(header) ? header.join(",") : header ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
    if (list.length > 0) return addressKey(list[list.length - 1]);
  }
  return addressKey(req.socket.remoteAddress);
}
