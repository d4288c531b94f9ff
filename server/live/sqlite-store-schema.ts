import type BetterSqlite3 from "better-sqlite3";
import { channelProblem } from "./change-validation";

/**
 * The channel that rows written before the store kept channels apart are
 * given when the file is migrated. No request can name it (a channel name is
 * never empty), so those rows are kept but reached by no socket until they
 * are given a channel: `sqliteStore({ legacyChannel })`, or by hand in SQL.
 */
export const UNSCOPED = "";

const createSql = (table: string) =>
  `CREATE TABLE ${table} (channel TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (channel, collection, id))`;

function columnsOf(db: BetterSqlite3.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name);
}

/**
 * Makes `table` hold records by channel, collection and id. A table of the
 * first schema (collection, id, data: every channel's records together) is
 * rebuilt in one transaction, its rows kept in their order under UNSCOPED:
 * which channel wrote them was never stored, and handing them to any channel
 * would show one user's records to another. With `legacyChannel`, rows still
 * under UNSCOPED then move to that channel (on every open, so it may be set
 * later); a row whose id that channel already holds stays where it is.
 */
export function prepareRecordsTable(db: BetterSqlite3.Database, table: string, legacyChannel?: string): void {
  if (legacyChannel !== undefined) {
    const problem = channelProblem(legacyChannel, "sqliteStore({ legacyChannel })");
    if (problem) throw new Error(problem);
  }
  const current = columnsOf(db, table);
  if (current.length === 0 || !current.includes("channel")) {
    // Checked again under the write lock: another process may be migrating the same file.
    db.transaction(() => migrate(db, table)).immediate();
  }
  if (legacyChannel !== undefined) {
    db.prepare(`UPDATE OR IGNORE ${table} SET channel = ? WHERE channel = ?`).run(legacyChannel, UNSCOPED);
  }
}

function migrate(db: BetterSqlite3.Database, table: string): void {
  const columns = columnsOf(db, table);
  if (columns.length === 0) return void db.exec(createSql(table));
  if (columns.includes("channel")) return;
  const missing = ["collection", "id", "data"].filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new Error(`sqliteStore: table "${table}" exists but is not a records table (no ${missing.join(", ")} column); name another one with the table option`);
  }
  const old = `${table}_before_channels`;
  db.exec(`ALTER TABLE ${table} RENAME TO ${old}`);
  db.exec(createSql(table));
  db.prepare(`INSERT INTO ${table} (channel, collection, id, data) SELECT ?, collection, id, data FROM ${old} ORDER BY rowid`).run(UNSCOPED);
  db.exec(`DROP TABLE ${old}`);
}
