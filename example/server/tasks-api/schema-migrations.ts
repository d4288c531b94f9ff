import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { withoutAccessToken } from "./token-free-url";

/**
 * Schema migrations, applied in order; `PRAGMA user_version` remembers how
 * many ran. Never edit a shipped entry: append a new one, so a database made
 * by an older server is brought forward instead of being rebuilt. An entry is
 * SQL, or a function for steps that need the server's configuration.
 */
export type Migration = string | ((db: Database.Database, firstOwner: string) => void);

export const MIGRATIONS: Migration[] = [
  // 1: the single-user server.
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

  // 2: accounts. A list has an owner (its tasks are reached through it); what
  // the single-user server stored goes to the first configured account.
  // Idempotency keys are per owner, so one person's key never replays another
  // person's answer. `accounts.rev` is the last revision stamped for each
  // owner: their collections' etag, which must not move when others write.
  (db, firstOwner) => {
    db.exec(`
      ALTER TABLE lists ADD COLUMN owner TEXT NOT NULL DEFAULT '';
      CREATE INDEX lists_by_owner ON lists (owner, seq);
      CREATE TABLE idempotency_by_owner (
        owner    TEXT NOT NULL,
        key      TEXT NOT NULL,
        method   TEXT NOT NULL,
        path     TEXT NOT NULL,
        status   INTEGER NOT NULL,
        headers  TEXT NOT NULL,
        body     TEXT NOT NULL,
        created  INTEGER NOT NULL,
        PRIMARY KEY (owner, key)
      );
      CREATE TABLE accounts (
        name  TEXT PRIMARY KEY,
        rev   INTEGER NOT NULL
      );
    `);
    db.prepare("UPDATE lists SET owner = ?").run(firstOwner);
    db.prepare(
      `INSERT INTO idempotency_by_owner (owner, key, method, path, status, headers, body, created)
       SELECT ?, key, method, path, status, headers, body, created FROM idempotency`,
    ).run(firstOwner);
    db.exec("DROP TABLE idempotency; ALTER TABLE idempotency_by_owner RENAME TO idempotency;");
    db.prepare("INSERT INTO accounts (name, rev) SELECT ?, value FROM counters WHERE name = 'rev'").run(firstOwner);
  },

  // 3: idempotency rows stored a request's query with its ?access_token=; the
  // token is taken out of the paths already stored (new ones never have it).
  (db) => {
    const rows = db.prepare("SELECT owner, key, path FROM idempotency").all() as Array<{ owner: string; key: string; path: string }>;
    const rewrite = db.prepare("UPDATE idempotency SET path = ? WHERE owner = ? AND key = ?");
    for (const row of rows) {
      let clean: string;
      try {
        clean = withoutAccessToken(new URL(row.path, "http://localhost"));
      } catch {
        continue; // every stored path is under /tasks/v1 and parses; one that would not is no reason to refuse to start
      }
      if (clean !== row.path) rewrite.run(clean, row.owner, row.key);
    }
  },

  // 4: a key also stands for its request's body (a digest of the parsed
  // JSON), so a key sent again with another body is refused, not replayed.
  // Rows stored before have none and are matched on method and path.
  "ALTER TABLE idempotency ADD COLUMN fingerprint TEXT;",

  // 5: the database's own id, made with it. The processes of one DATA_DIR
  // read the same one; a server on another DATA_DIR has another, so its
  // Redis keys and pub/sub channel (named after it) are not theirs.
  (db) => {
    db.exec("CREATE TABLE about (name TEXT PRIMARY KEY, value TEXT NOT NULL);");
    db.prepare("INSERT INTO about (name, value) VALUES ('instance', ?)").run(randomUUID());
  },
];
