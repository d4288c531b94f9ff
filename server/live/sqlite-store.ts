import { randomUUID } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { BackendRequest, Middleware } from "./backend";
import { loadOptionalPackage } from "./optional-package";
import { openInWal } from "./sqlite-wal";

export interface SqliteStoreOptions {
  /** Database file (created if missing); ":memory:" works too. */
  file: string;
  /** Table holding every collection's records as JSON. Default "atmos2_records". */
  table?: string;
}

export type SqliteStoreMiddleware = Middleware & { close(): void };

type Row = Record<string, unknown>;

function requireId(req: BackendRequest): string {
  const id = req.model?.id;
  if (id === undefined || id === null || id === "") throw new Error(`${req.method} ${req.collection} needs model.id`);
  return String(id);
}

/**
 * The memory store's behaviour, kept in SQLite so records survive a restart.
 * One table for all collections: a live backend stores documents, not a schema.
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStoreMiddleware {
  if (!options || typeof options.file !== "string" || options.file === "") {
    throw new Error("sqliteStore({ file }): file must name the database file");
  }
  const table = options.table ?? "atmos2_records";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`sqliteStore: table "${table}" must be a plain identifier`);
  const Database = loadOptionalPackage<typeof BetterSqlite3>("better-sqlite3", "sqliteStore() is used");
  const db = new Database(options.file);
  openInWal(db);
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (collection, id))`);
  const getOne = db.prepare<[string, string], { data: string }>(`SELECT data FROM ${table} WHERE collection = ? AND id = ?`);
  const getAll = db.prepare<[string], { data: string }>(`SELECT data FROM ${table} WHERE collection = ? ORDER BY rowid`);
  const insert = db.prepare(`INSERT INTO ${table} (collection, id, data) VALUES (?, ?, ?)`);
  const replace = db.prepare(`UPDATE ${table} SET data = ? WHERE collection = ? AND id = ?`);
  const remove = db.prepare(`DELETE FROM ${table} WHERE collection = ? AND id = ?`);
  const find = (collection: string, id: string): Row | undefined => {
    const row = getOne.get(collection, id);
    return row ? (JSON.parse(row.data) as Row) : undefined;
  };

  const middleware: Middleware = (req, res) => {
    const model = req.model ?? {};
    switch (req.method) {
      case "create": {
        const id = model.id === undefined || model.id === null || model.id === "" ? randomUUID() : String(model.id);
        if (find(req.collection, id)) return res.error(new Error(`${req.collection} ${id} already exists`));
        const row = { ...model, id };
        insert.run(req.collection, id, JSON.stringify(row));
        return res.end(row);
      }
      case "read": {
        if (model.id === undefined) return res.end(getAll.all(req.collection).map((r) => JSON.parse(r.data) as Row));
        const row = find(req.collection, String(model.id));
        return row ? res.end(row) : res.error(new Error(`${req.collection} ${String(model.id)} not found`));
      }
      case "update": {
        const id = requireId(req);
        const existing = find(req.collection, id);
        if (!existing) return res.error(new Error(`${req.collection} ${id} not found`));
        const row = { ...existing, ...model, id };
        replace.run(JSON.stringify(row), req.collection, id);
        return res.end(row);
      }
      case "delete": {
        const id = requireId(req);
        const existing = find(req.collection, id);
        if (!existing) return res.error(new Error(`${req.collection} ${id} not found`));
        remove.run(req.collection, id);
        return res.end(existing);
      }
    }
  };
  return Object.assign(middleware, { close: () => db.close() });
}
