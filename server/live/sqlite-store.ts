import { randomUUID } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { Middleware } from "./backend";
import { loadOptionalPackage } from "./optional-package";
import { prepareRecordsTable } from "./sqlite-store-schema";
import { openInWal } from "./sqlite-wal";
import { idToCreate, requireId, storeChannel } from "./store-request";

export interface SqliteStoreOptions {
  /** Database file (created if missing); ":memory:" works too. */
  file: string;
  /** Table holding every collection's records as JSON. Default "atmos2_records". */
  table?: string | undefined;
  /**
   * The channel that records stored before the store kept channels apart
   * (files written by atmos2 versions whose table had no channel column)
   * are moved to on open. Unset: they are kept, but no socket reads them.
   */
  legacyChannel?: string | undefined;
}

export type SqliteStoreMiddleware = Middleware & { close(): void };

type Row = Record<string, unknown>;

/**
 * The memory store's behaviour, kept in SQLite so records survive a restart.
 * One table for all channels and collections: a live backend stores
 * documents, not a schema. Each record belongs to the channel of the request
 * that wrote it, and a request reaches only its own channel's records.
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
  try {
    prepareRecordsTable(db, table, options.legacyChannel);
  } catch (error) {
    db.close();
    throw error;
  }
  const where = "channel = ? AND collection = ?";
  const getOne = db.prepare<[string, string, string], { data: string }>(`SELECT data FROM ${table} WHERE ${where} AND id = ?`);
  const getAll = db.prepare<[string, string], { data: string }>(`SELECT data FROM ${table} WHERE ${where} ORDER BY rowid`);
  const insert = db.prepare(`INSERT INTO ${table} (channel, collection, id, data) VALUES (?, ?, ?, ?)`);
  const replace = db.prepare(`UPDATE ${table} SET data = ? WHERE ${where} AND id = ?`);
  const remove = db.prepare(`DELETE FROM ${table} WHERE ${where} AND id = ?`);

  const middleware: Middleware = (req, res) => {
    const channel = storeChannel(req, "sqliteStore");
    const { collection } = req;
    const model = req.model ?? {};
    const find = (id: string): Row | undefined => {
      const row = getOne.get(channel, collection, id);
      return row ? (JSON.parse(row.data) as Row) : undefined;
    };
    switch (req.method) {
      case "create": {
        const id = idToCreate(model, randomUUID);
        if (find(id)) return res.error(new Error(`${collection} ${id} already exists`));
        const row = { ...model, id };
        insert.run(channel, collection, id, JSON.stringify(row));
        return res.end(row);
      }
      case "read": {
        if (model.id === undefined) return res.end(getAll.all(channel, collection).map((r) => JSON.parse(r.data) as Row));
        const row = find(String(model.id));
        return row ? res.end(row) : res.error(new Error(`${collection} ${String(model.id)} not found`));
      }
      case "update": {
        const id = requireId(req);
        const existing = find(id);
        if (!existing) return res.error(new Error(`${collection} ${id} not found`));
        const row = { ...existing, ...model, id };
        replace.run(JSON.stringify(row), channel, collection, id);
        return res.end(row);
      }
      case "delete": {
        const id = requireId(req);
        const existing = find(id);
        if (!existing) return res.error(new Error(`${collection} ${id} not found`));
        remove.run(channel, collection, id);
        return res.end(existing);
      }
    }
  };
  return Object.assign(middleware, { close: () => db.close() });
}
