import Database from "better-sqlite3";

/** The SQLite handle the tasks API works on (better-sqlite3, synchronous). */
export type Db = Database.Database;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` remembers how
 * many ran. Never edit a shipped entry: append a new one, so a database made
 * by an older server is brought forward instead of being rebuilt.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE lists (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT, -- stable order for paging
    id       TEXT NOT NULL UNIQUE,
    title    TEXT NOT NULL,
    updated  INTEGER NOT NULL,                  -- ms since epoch
    rev      INTEGER NOT NULL,                  -- feeds the etag
    deleted  INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE tasks (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    list_id   TEXT NOT NULL,
    title     TEXT NOT NULL DEFAULT '',
    notes     TEXT,
    status    TEXT NOT NULL DEFAULT 'needsAction',
    due       INTEGER,
    completed INTEGER,
    parent    TEXT,
    position  TEXT NOT NULL,
    hidden    INTEGER NOT NULL DEFAULT 0,
    deleted   INTEGER NOT NULL DEFAULT 0,
    updated   INTEGER NOT NULL,
    rev       INTEGER NOT NULL
  );
  CREATE INDEX tasks_by_list ON tasks (list_id, seq);
  CREATE INDEX tasks_by_siblings ON tasks (list_id, parent, position);
  CREATE TABLE idempotency (
    key      TEXT PRIMARY KEY,
    method   TEXT NOT NULL,
    path     TEXT NOT NULL,
    status   INTEGER NOT NULL,
    headers  TEXT NOT NULL,
    body     TEXT NOT NULL,
    created  INTEGER NOT NULL
  );
  CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO counters (name, value) VALUES ('rev', 0), ('clock', 0);
  `,
];

/**
 * Opens (creating if needed) the database file and brings its schema up to
 * date. WAL and a busy timeout let several server processes share one file
 * (several `npm start` on one DATA_DIR).
 */
export function openDb(file: string): Db {
  const db = new Database(file);
  // First, so that a second process starting at the same moment waits for
  // the first one's lock instead of failing with "database is locked".
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  // With WAL, NORMAL never corrupts the file; a power loss may drop the last
  // commits, which a development server can afford. FULL costs ~5 ms a commit.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  // One write transaction reads the schema version and migrates, so two
  // processes never both apply the same migration.
  db.transaction(() => {
    const done = db.pragma("user_version", { simple: true }) as number;
    for (let i = done; i < MIGRATIONS.length; i++) {
      db.exec(MIGRATIONS[i]);
      db.pragma(`user_version = ${i + 1}`);
    }
  }).immediate();
  return db;
}

/** What every change stamps on the resource it touches. */
export interface Stamp {
  /** Revision number, unique across the database: the etag comes from it. */
  rev: number;
  /** Modification time in ms, never lower than any earlier stamp. */
  updated: number;
}

/**
 * Takes the next stamp. Must run inside a write transaction: the counters are
 * read and bumped under the lock, so commit order and `updated` order agree
 * and an `updatedMin` sync never skips a change committed "in the past",
 * even if the wall clock steps back or two processes disagree.
 */
export function nextStamp(db: Db, nowMs: number): Stamp {
  const rev = (db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'rev' RETURNING value").get() as { value: number }).value;
  const last = (db.prepare("SELECT value FROM counters WHERE name = 'clock'").get() as { value: number }).value;
  const updated = Math.max(nowMs, last);
  if (updated !== last) db.prepare("UPDATE counters SET value = ? WHERE name = 'clock'").run(updated);
  return { rev, updated };
}
