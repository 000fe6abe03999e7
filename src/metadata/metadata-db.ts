// The daemon's metadata database: one SQLite file under --root, opened with WAL and
// synchronous=FULL so a committed transaction survives a crash or power loss. Stores own their
// tables and create them with `ensureSchema`; multi-store changes share one transaction.
import Database from "better-sqlite3";

export type Db = Database.Database;

export function openMetadataDb(path: string): Db {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Runs DDL statements idempotently (CREATE ... IF NOT EXISTS) inside one transaction. */
export function ensureSchema(db: Db, statements: readonly string[]): void {
  db.transaction(() => {
    for (const sql of statements) db.exec(sql);
  })();
}
