import { ChildProcess, spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { startPubsubLagProxy, type PubsubLagProxy } from "../../fakes/pubsub-lag-proxy";
import { startLive, type LiveFixture } from "./live-fixture";

export interface RedisProcess {
  url: string;
  port: number;
  /** So a runner cut off before stop() can still end it (the bench does). */
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away redis-server on a free port (no persistence) and waits
 * until it accepts connections. Specs that need Redis start it; they never skip.
 * Given the port of one stopped before, it starts a Redis that lost its data
 * there (a restart without persistence), or that has it back (`persistIn`
 * the same folder).
 */
export async function startRedis(port?: number, options: { persistIn?: string; password?: string } = {}): Promise<RedisProcess> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not on PATH: install it (apt-get install -y redis-server) to run the live scale-out specs");
  }
  port ??= await freePort();
  // With persistIn, an append-only file there: a Redis started again on that folder has its data back.
  const persistence = options.persistIn ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", options.persistIn] : ["--appendonly", "no"];
  const auth = options.password ? ["--requirepass", options.password] : [];
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence, ...auth, "--daemonize", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready to accept connections/i.test(output)) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/** What `liveOnProxiedRedis()` makes for a describe block. */
export interface ProxiedRedisLive {
  redis: RedisProcess;
  proxy: PubsubLagProxy;
  live: LiveFixture;
}

/**
 * A live server (POST /update's secret "s") on a real Redis reached through
 * a pubsub-lag proxy whose `lagging` connections can be held back, started
 * before the block's tests and stopped after them.
 */
export function liveOnProxiedRedis(lagging: PubsubLagProxy["lagging"]): ProxiedRedisLive {
  const world = {} as ProxiedRedisLive;
  before(async () => {
    world.redis = await startRedis();
    world.proxy = await startPubsubLagProxy(world.redis.port, 0, lagging);
    world.live = await startLive({ redisUrl: world.proxy.url, secret: "s" });
  });
  after(async () => {
    await world.live?.close();
    await world.proxy?.close();
    await world.redis?.stop();
  });
  return world;
}
