import type { IndexedDBFactory } from "./indexeddb-store";

// Not part of the package's types: its signatures name DOM types, which a
// consumer compiling without the DOM lib does not have (indexeddb-store.ts
// uses it in private members only, which declarations leave out).

/**
 * Opens the database `name` with its "kv" object store, at whatever version
 * it is: a newer page of the app (or another library sharing the name) may
 * have upgraded it, and an open asking for an older version fails with a
 * VersionError for good. A database without "kv" is upgraded by one to
 * add it. `onVersionChange` runs when another tab upgrades or deletes it
 * (the connection is closed first), told whether it was deleted. Rejects,
 * naming the database, when an open fails, is blocked, or goes unanswered
 * for `timeoutMs`.
 */
export async function openDatabase(factory: IndexedDBFactory, name: string, timeoutMs: number, onVersionChange: (deleted: boolean) => void): Promise<IDBDatabase> {
  const db = await openOnce(factory, name, timeoutMs);
  if (db.objectStoreNames.contains("kv")) return watched(db, onVersionChange);
  const version = db.version;
  db.close();
  return watched(await openOnce(factory, name, timeoutMs, version + 1), onVersionChange);
}

function watched(db: IDBDatabase, onVersionChange: (deleted: boolean) => void): IDBDatabase {
  db.onversionchange = (event) => {
    db.close();
    // No new version: deleteDatabase.
    onVersionChange(event.newVersion === null);
  };
  return db;
}

/** One open request: at the current version (or 1 for a new database), or at `version`. */
function openOnce(factory: IndexedDBFactory, name: string, timeoutMs: number, version?: number): Promise<IDBDatabase> {
  const failed = (reason: unknown) => new Error(`atmos2: could not open IndexedDB "${name}": ${(reason as Error | null)?.message ?? "no reason given"}`);
  return new Promise<IDBDatabase>((resolve, reject) => {
    let open: IDBOpenDBRequest;
    try {
      open = (version === undefined ? factory.open(name) : factory.open(name, version)) as IDBOpenDBRequest;
    } catch (error) {
      // Storage blocked for the page (a SecurityError thrown at once).
      return reject(failed(error));
    }
    // A browser whose storage is stuck may never answer: the app is told, and the next read or write opens again.
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(failed(new Error(`it did not answer within ${timeoutMs / 1000} s (the browser's storage may be stuck; a reload or a browser restart frees it)`)));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      const late = settled;
      settled = true;
      return late;
    };
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains("kv")) open.result.createObjectStore("kv");
    };
    open.onsuccess = () => {
      // Answered after its time ran out, or after it was blocked: a later open took its place.
      if (settle()) return open.result.close();
      resolve(open.result);
    };
    open.onerror = () => settle() || reject(failed(open.error));
    open.onblocked = () => settle() || reject(new Error(`atmos2: IndexedDB "${name}" is blocked by another tab holding an older version open`));
  });
}
