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
 * A promise that rejects after `ms` (a Redis that accepted the connection
 * and says nothing), to race the start's steps against; `cancel` once done.
 */
export function silenceAfter(ms: number): { promise: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it accepted the connection but did not answer within ${ms / 1000} s`)), ms);
  });
  promise.catch(() => undefined);
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Closes Redis clients: gracefully when Redis answers within 2 s, else at
 * once. A graceful close waits for the answers of the commands sent, and
 * with Redis down those never come: a server told to stop did not exit.
 */
export async function closeClients(clients: Array<{ close(): Promise<unknown>; destroy(): unknown }>): Promise<void> {
  const silence = silenceAfter(2000);
  await Promise.race([Promise.allSettled(clients.map((client) => client.close())), silence.promise]).catch(() => undefined);
  silence.cancel();
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
  const silence = silenceAfter(ms);
  try {
    return await Promise.race([client.ping().then(() => true), silence.promise]);
  } catch {
    return false;
  } finally {
    silence.cancel();
  }
}
