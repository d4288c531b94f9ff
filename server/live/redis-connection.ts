import { withinTime } from "./time-limit";

/** How the Redis clients of the change log and the Redis store connect, and how their trouble is told. */

/** The URL as it may be printed: a password in it is masked. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

/** After Redis's NOAUTH (a password needed, none given): where the password goes. */
export function passwordHint(url: string, error: Error): string {
  if (!/NOAUTH/.test(error.message)) return "";
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "PASSWORD";
    return `; this Redis needs a password: put it in the URL, ${parsed.toString().replace(/\/$/, "")}`;
  } catch {
    return "; this Redis needs a password: put it in the URL";
  }
}

/**
 * The pub/sub channel of the processes that share `prefix` on the Redis
 * database of `url`. Redis keeps keys apart by database, but has one pub/sub
 * for all of them: two apps told apart only by database number
 * (`redis://host/1`, `redis://host/2`) must not hear each other's changes.
 * Database 0 keeps the name it always had (`atmos2:changes`), so processes of
 * an earlier version still share with these while they are replaced.
 */
export function pubsubChannelOf(url: string, prefix: string): string {
  let database = 0;
  try {
    database = Number(new URL(url).pathname.slice(1) || 0);
  } catch {
    // an unparsable URL fails at connect, with its own message
  }
  return database ? `${prefix}changes:db${database}` : `${prefix}changes`;
}

/**
 * How a Redis client reconnects: a wrong URL or a Redis that is down at the
 * first connect is a setting to fix, so that attempt gives up at once (its
 * error says so); once `connected()`, a dropped connection is retried with
 * jittered backoff, as Redis restarts and failovers need.
 */
export function reconnectOnceConnected(connected: () => boolean): (retries: number, cause: Error) => number | Error {
  return (retries, cause) => (connected() ? Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 200) : cause);
}

/**
 * Closes Redis clients: gracefully when Redis answers within 2 s, else at
 * once. A graceful close waits for the answers of the commands sent, and
 * with Redis down those never come: a server told to stop did not exit.
 */
export async function closeClients(clients: Array<{ close(): Promise<unknown>; destroy(): unknown }>): Promise<void> {
  await withinTime(Promise.allSettled(clients.map((client) => client.close())), 2000);
  for (const client of clients) {
    try {
      client.destroy(); // closed already when the graceful close went through
    } catch {
      // nothing left to end
    }
  }
}

/** Whether Redis answers a PING within `ms`: a paused Redis keeps its connection up, and says nothing. */
export async function answersWithin(client: { ping(): Promise<unknown> }, ms: number): Promise<boolean> {
  const answered = await withinTime(client.ping().then(() => true), ms).catch(() => false);
  return answered === true;
}
