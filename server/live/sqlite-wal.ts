/** The part of a better-sqlite3 handle used here. */
interface PragmaDb {
  pragma(source: string, options?: { simple: boolean }): unknown;
}

/**
 * Makes a SQLite connection wait up to `waitMs` for locks other processes
 * hold (busy_timeout), then puts the file in WAL mode, so that several
 * processes share it. SQLite does not wait by itself for the switch to WAL,
 * which needs the file to itself: a process opening a new file while another
 * one was writing to it (a first `npm start` migrating) failed at once with
 * "database is locked". The switch is tried again until `waitMs` has passed.
 * Once the file is in WAL (a lasting property of the file) nothing is
 * switched; an in-memory database keeps its own mode.
 */
export function openInWal(db: PragmaDb, waitMs = 5000): void {
  db.pragma(`busy_timeout = ${waitMs}`);
  const started = Date.now();
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      if (db.pragma("journal_mode", { simple: true }) === "wal") return;
      // Answered without an error: WAL, or a mode the file keeps (":memory:" stays "memory").
      db.pragma("journal_mode = WAL", { simple: true });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY") throw error;
    }
    if (Date.now() - started >= waitMs) throw new Error(`database is locked: another process kept writing to it for ${waitMs} ms`);
    // openDb and sqliteStore() are synchronous: a short blocking pause, only while another process writes.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
  }
}
