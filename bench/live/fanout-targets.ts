import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createClient } from "redis";
import { WebSocketServer } from "ws";
import { createLiveServer } from "../../server/live";
import { ChildServer, startChildServer } from "./child-server";

/** A contender: something that can publish one change to every connected client. */
export interface Target {
  urls: string[];
  auth?: unknown;
  /** Sends the change whose id is `id` ("<group>:<n>"). */
  publish(id: string): Promise<void> | void;
  /** Resident memory of each server process, in bytes (targets in child processes only). */
  rssBytes?(): number[];
  /** Live heap of each server process after a full collection, in bytes (likewise). */
  heapBytes?(): Promise<number[]>;
  close(): Promise<void>;
}

/** The atmos2-server CLI's source (what bin/atmos2-server.js runs once compiled). */
const ATMOS2_CLI = path.resolve(__dirname, "../../server/live/cli.ts");
const REDIS_FLOOR = path.join(__dirname, "redis-floor-server.js");
const FLOOR_CHANNEL = "bench-floor";

/** The change every contender sends, as a client receives it. */
export function changeOf(id: string) {
  return { type: "updated" as const, collection: "tasks", id, attrs: { id, title: "bench" } };
}

/** The floors' frame: what atmos2 sends for the change, numbered by the floor's own counter. */
function frameOf(id: string, seq: number): string {
  return JSON.stringify({ type: "change", channel: "bench", seq, change: changeOf(id) });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Floor, one process: a plain `ws` server in this process, encoding once and sending the same bytes to everyone. */
export async function floorTarget(): Promise<Target> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const base = await listen(server);
  let seq = 0;
  return {
    urls: [base],
    publish(id) {
      const frame = Buffer.from(frameOf(id, ++seq));
      for (const client of wss.clients) client.send(frame, { binary: false });
    },
    close: () => new Promise<void>((resolve) => wss.close(() => server.close(() => resolve()))),
  };
}

/** atmos2-server in this process, publishing through its hub (no HTTP, no Redis). */
export async function oneProcessTarget(): Promise<Target> {
  const server = http.createServer();
  // Every bench client connects from this machine: one address, far over the per-address cap meant for strangers.
  const live = createLiveServer({ server, authenticate: () => ["bench"], heartbeatMs: 0, maxUnauthenticatedPerAddress: 1_000_000 });
  await live.ready;
  const url = `${await listen(server)}/live`;
  return {
    urls: [url],
    auth: { type: "auth", token: "bench", channels: ["bench"] },
    async publish(id) {
      await live.hub.publish("bench", changeOf(id));
    },
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rssOf(servers: ChildServer[]): () => number[] {
  return () => servers.map((s) => s.rssBytes());
}

function heapOf(servers: ChildServer[]): () => Promise<number[]> {
  return () => Promise.all(servers.map((s) => s.heapBytes()));
}

/**
 * Floor over Redis: two processes, each a plain `ws` broadcast loop
 * subscribed to one Redis channel (bench/live/redis-floor-server.js), fed by
 * one PUBLISH of the encoded frame from here. No seq, no replay log: what
 * Redis pub/sub plus a broadcast costs at the least.
 */
export async function redisFloorTarget(redisUrl: string, processes = 2): Promise<Target> {
  const env = { REDIS_URL: redisUrl, FLOOR_CHANNEL };
  const servers = await Promise.all(Array.from({ length: processes }, () => startChildServer(REDIS_FLOOR, env)));
  const publisher = createClient({ url: redisUrl });
  publisher.on("error", () => {}); // a failed PUBLISH rejects the round, which says why
  await publisher.connect();
  let seq = 0;
  return {
    urls: servers.map((s) => s.wsUrl),
    async publish(id) {
      await publisher.publish(FLOOR_CHANNEL, frameOf(id, ++seq));
    },
    rssBytes: rssOf(servers),
    heapBytes: heapOf(servers),
    async close() {
      await publisher.close();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/**
 * Two atmos2-server processes (the CLI, server/live/cli.ts) sharing Redis; each
 * change comes in by POST /update to the first, as a backend would send it.
 */
export async function twoProcessTarget(redisUrl: string, processes = 2): Promise<Target> {
  // Every bench client comes from 127.0.0.1: the caps per address (64 sockets before auth, 256 in all) are lifted.
  const env = { REDIS_URL: redisUrl, ATMOS_SECRET: "bench-secret", ATMOS_TOKENS: "bench:bench", ATMOS_MAX_UNAUTHENTICATED: "1000000", ATMOS_MAX_CONNECTIONS_PER_ADDRESS: "0" };
  const servers = await Promise.all(Array.from({ length: processes }, () => startChildServer(ATMOS2_CLI, env, { wsPath: "/live", typescript: true })));
  // One kept-alive connection, as a backend posting changes would hold.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string) => new Promise<number>((resolve, reject) => {
    const req = http.request(`${servers[0].url}/update`, {
      method: "POST",
      agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "X-Atmos-Secret": "bench-secret" },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
  return {
    urls: servers.map((s) => s.wsUrl),
    auth: { type: "auth", token: "bench", channels: ["bench"] },
    async publish(id) {
      const status = await post(JSON.stringify({ channel: "bench", changes: [changeOf(id)] }));
      if (status !== 202) throw new Error(`POST /update answered ${status}`);
    },
    rssBytes: rssOf(servers),
    heapBytes: heapOf(servers),
    async close() {
      agent.destroy();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
