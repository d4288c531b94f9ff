import { randomUUID } from "node:crypto";
import type * as Redis from "redis";
import { Middleware } from "./backend";
import { errorReason } from "./error-reason";
import { loadOptionalPackage } from "./optional-package";
import { passwordHint, reconnectOnceConnected, withoutPassword } from "./redis-connection";
import { idToCreate, requireId, storeChannel } from "./store-request";

export interface RedisStoreOptions {
  /** Where Redis is, e.g. "redis://127.0.0.1:6379" (the form of REDIS_URL). */
  url: string;
  /** Start of every key the store writes. Default "atmos2:" (the live server's own keys never clash with them). */
  keyPrefix?: string | undefined;
}

export type RedisStoreMiddleware = Middleware & {
  /** The first connection: resolves once connected to Redis; rejects, naming the address, when Redis cannot be reached (each later request tries again). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
};

type Row = Record<string, unknown>;
type RedisClient = ReturnType<typeof Redis.createClient>;

// One hash per record: field name → the field's value as JSON. ARGV[1] is
// the id; KEYS[1] the start of the records' keys (the id follows it),
// KEYS[2] the sorted set of ids in the order they were created, KEYS[3]
// that order's counter.

/** Adds the record (ARGV[2..]: field, value, …) unless its id is taken: 1 added, 0 taken. */
const CREATE = `
local key = KEYS[1] .. ARGV[1]
if redis.call('EXISTS', key) == 1 then return 0 end
redis.call('HSET', key, unpack(ARGV, 2))
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
return 1`;

/** Sets the fields sent (ARGV[2..]) on the record, in one step (no other write lands in between); answers the record, or nil when there is none. */
const UPDATE = `
local key = KEYS[1] .. ARGV[1]
if redis.call('EXISTS', key) == 0 then return false end
redis.call('HSET', key, unpack(ARGV, 2))
return redis.call('HGETALL', key)`;

/** Removes the record and answers what it held (nil when there was none). */
const REMOVE = `
local key = KEYS[1] .. ARGV[1]
local row = redis.call('HGETALL', key)
if #row == 0 then return false end
redis.call('DEL', key)
redis.call('ZREM', KEYS[2], ARGV[1])
return row`;

/** The record (HGETALL's answer; empty when there is none). */
const READ_ONE = `return redis.call('HGETALL', KEYS[1] .. ARGV[1])`;

/** Every record, in the order they were created: { id, fields }, … */
const READ_ALL = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local row = redis.call('HGETALL', KEYS[1] .. id)
  if #row > 0 then table.insert(out, row) end
end
return out`;

/**
 * The memory store's behaviour, kept in Redis: records survive a restart of
 * the server, and every process on one Redis (the live server scaled out
 * with REDIS_URL) reads and writes the same records. Each record belongs to
 * the channel of the request that wrote it, and a request reaches only its
 * own channel's records.
 *
 * A hash per record (each field's value as JSON), a sorted set that keeps
 * the order records were created in (reads list them so, as the other
 * stores do), and that order's counter. The names of one channel's
 * collection share a hash tag, so they live on one Redis Cluster node. Each
 * request is one script: an update sets the fields it sends in one step, so
 * two processes updating one record at once keep both their fields.
 */
export function redisStore(options: RedisStoreOptions): RedisStoreMiddleware {
  if (!options || typeof options.url !== "string" || options.url === "") {
    throw new Error('redisStore({ url }): url must name the Redis server, e.g. "redis://127.0.0.1:6379"');
  }
  const prefix = options.keyPrefix ?? "atmos2:";
  const { createClient } = loadOptionalPackage<typeof Redis>("redis", "redisStore() is used");
  let connected = false;
  let client: RedisClient;
  try {
    client = createClient({
      url: options.url,
      // Lost once connected: retried, and requests fail meanwhile instead of
      // waiting in a queue for a Redis that may not come back.
      socket: { reconnectStrategy: reconnectOnceConnected(() => connected) },
      disableOfflineQueue: true,
    });
  } catch (error) {
    throw new Error(`redisStore: url must look like redis://host:6379 (${(error as Error).message})`);
  }
  const where = withoutPassword(options.url);
  // Errors while reconnecting are the requests' to report: each failed one says what happened.
  client.on("error", () => undefined);
  // Connects, once at a time; a failed attempt is made again by the next
  // request, so a server started before its Redis serves once Redis is up.
  let connecting: Promise<void> | undefined;
  const connection = (): Promise<void> =>
    (connecting ??= client.connect().then(
      () => void (connected = true),
      (error: Error) => {
        connecting = undefined;
        throw new Error(`redisStore: cannot reach Redis at ${where}: ${error.message}${passwordHint(options.url, error)}`);
      },
    ));
  const ready = connection();
  // A server that never sends a request must not crash on an unhandled rejection.
  ready.catch(() => undefined);

  const keysOf = (channel: string, collection: string): string[] => {
    const tag = `${prefix}{${encodeURIComponent(channel)}:${encodeURIComponent(collection)}}`;
    return [`${tag}:record:`, `${tag}:order`, `${tag}:counter`];
  };
  const run = async (script: string, keys: string[], args: string[]): Promise<unknown> => {
    await connection();
    try {
      return await client.eval(script, { keys, arguments: args });
    } catch (error) {
      throw new Error(`redisStore: Redis at ${where} failed: ${errorReason(error)}`);
    }
  };

  const middleware: Middleware = async (req, res) => {
    const channel = storeChannel(req, "redisStore");
    const { collection } = req;
    const model = req.model ?? {};
    const keys = keysOf(channel, collection);
    switch (req.method) {
      case "create": {
        const id = idToCreate(model, randomUUID);
        const row = { ...model, id };
        const added = await run(CREATE, keys, [id, ...fieldsOf(row)]);
        return added === 1 ? res.end(row) : res.error(new Error(`${collection} ${id} already exists`));
      }
      case "read": {
        if (model.id === undefined) return res.end(((await run(READ_ALL, keys, [])) as string[][]).map(rowOf));
        const found = (await run(READ_ONE, keys, [String(model.id)])) as string[];
        return found.length ? res.end(rowOf(found)) : res.error(new Error(`${collection} ${String(model.id)} not found`));
      }
      case "update": {
        const id = requireId(req);
        const row = await run(UPDATE, keys, [id, ...fieldsOf({ ...model, id })]);
        return Array.isArray(row) ? res.end(rowOf(row as string[])) : res.error(new Error(`${collection} ${id} not found`));
      }
      case "delete": {
        const id = requireId(req);
        const row = await run(REMOVE, keys, [id]);
        return Array.isArray(row) ? res.end(rowOf(row as string[])) : res.error(new Error(`${collection} ${id} not found`));
      }
    }
  };
  return Object.assign(middleware, {
    ready,
    close: async () => {
      await connecting?.catch(() => undefined);
      if (client.isOpen) await client.close();
    },
  });
}

/** A record as HSET's arguments: field, value as JSON, … (a field whose value JSON cannot hold, undefined, is left out). */
function fieldsOf(row: Row): string[] {
  const args: string[] = [];
  for (const field of Object.keys(row)) {
    const json = JSON.stringify(row[field]);
    if (json !== undefined) args.push(field, json);
  }
  return args;
}

/** A record from HGETALL's answer (field, value, …). */
function rowOf(flat: string[]): Row {
  const row: Row = {};
  for (let i = 0; i < flat.length; i += 2) {
    try {
      // Defined, not assigned: a field named "__proto__" stays a field, not the record's prototype.
      Object.defineProperty(row, flat[i], { value: JSON.parse(flat[i + 1]), enumerable: true, writable: true, configurable: true });
    } catch {
      throw new Error(`redisStore: field "${flat[i]}" of a stored record is not JSON (${flat[i + 1].slice(0, 40)}); was the key written by something else?`);
    }
  }
  return row;
}
