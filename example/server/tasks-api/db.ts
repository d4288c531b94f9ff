import Database from "better-sqlite3";
import { openInWal } from "../../../server/live/sqlite-wal";
import { SINGLE_USER } from "./accounts";
import { MIGRATIONS } from "./schema-migrations";

/** The SQLite handle the tasks API works on (better-sqlite3, synchronous). */
export type Db = Database.Database;

/**
 * Opens (creating if needed) the database file and brings its schema up to
 * date. WAL and a busy timeout let several server processes share one file
 * (several `npm start` on one DATA_DIR). `owners` are the configured account
 * names: the first one owns data stored before accounts existed, and the data
 * of single-user mode when accounts are turned on without that account.
 */
export function openDb(file: string, owners: readonly string[] = [SINGLE_USER]): Db {
  const db = new Database(file);
  // A second process starting at the same moment waits for the first one's
  // lock instead of failing with "database is locked".
  openInWal(db);
  // With WAL, NORMAL never corrupts the file; a power loss may drop the last
  // commits, which a development server can afford. FULL costs ~5 ms a commit.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  const firstOwner = owners[0] ?? SINGLE_USER;
  // One write transaction reads the schema version and migrates, so two
  // processes never both apply the same migration, and a failed step leaves
  // the file as it was.
  try {
    db.transaction(() => {
      const done = db.pragma("user_version", { simple: true }) as number;
      for (let i = done; i < MIGRATIONS.length; i++) {
        const step = MIGRATIONS[i];
        if (typeof step === "string") db.exec(step);
        else step(db, firstOwner);
        db.pragma(`user_version = ${i + 1}`);
      }
      if (!owners.includes(SINGLE_USER)) adoptSingleUserData(db, firstOwner);
    }).immediate();
  } catch (err) {
    db.close();
    throw new Error(`${file}: the database could not be brought up to date, and was left as it was: ${(err as Error).message}`);
  }
  return db;
}

/** Single-user mode's lists (and idempotency keys) move to `owner`; nothing is dropped. */
function adoptSingleUserData(db: Db, owner: string): void {
  const moved = db.prepare("UPDATE lists SET owner = ? WHERE owner = ?").run(owner, SINGLE_USER).changes;
  db.prepare("UPDATE OR IGNORE idempotency SET owner = ? WHERE owner = ?").run(owner, SINGLE_USER);
  db.prepare("DELETE FROM idempotency WHERE owner = ?").run(SINGLE_USER);
  if (moved > 0) {
    db.prepare(
      `INSERT INTO accounts (name, rev) SELECT ?, value FROM counters WHERE name = 'rev'
       ON CONFLICT (name) DO UPDATE SET rev = excluded.rev`,
    ).run(owner);
  }
}

/** What every change stamps on the resource it touches. */
export interface Stamp {
  /** Revision number, growing within the owner's account: the etag comes from it. */
  rev: number;
  /** Modification time in ms, never lower than any earlier stamp. */
  updated: number;
}

/**
 * Takes the next stamp. Must run inside a write transaction: the counters are
 * read and bumped under the lock, so commit order and `updated` order agree
 * and an `updatedMin` sync never skips a change committed "in the past",
 * even if the wall clock steps back or two processes disagree. The revision
 * is the owner's own (also their collections' etag).
 */
export function nextStamp(db: Db, nowMs: number, owner: string): Stamp {
  // Per account: a version number counted over every account would tell one
  // person how much the others write. A database written before counted them
  // all in counters.rev, which no longer moves: an account seen first now
  // starts above it, so no record is ever given a version it had before.
  const { rev } = db
    .prepare(
      `INSERT INTO accounts (name, rev) SELECT ?, value + 1 FROM counters WHERE name = 'rev'
       ON CONFLICT (name) DO UPDATE SET rev = rev + 1 RETURNING rev`,
    )
    .get(owner) as { rev: number };
  const last = (db.prepare("SELECT value FROM counters WHERE name = 'clock'").get() as { value: number }).value;
  const updated = Math.max(nowMs, last);
  if (updated !== last) db.prepare("UPDATE counters SET value = ? WHERE name = 'clock'").run(updated);
  return { rev, updated };
}
