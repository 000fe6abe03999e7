// The daemon's metadata database: one SQLite file under --root, opened with WAL and
// synchronous=FULL so a committed transaction survives a crash or power loss. Stores own their
// tables and create them with `ensureSchema`; multi-store changes share one transaction.
import Database from "better-sqlite3";

export type Db = Database.Database;

export interface OpenOptions {
  /**
   * Hold an exclusive lock for the life of the connection (fails at once with SQLITE_BUSY when
   * another process holds it): the daemon's one-per-root guard.
   */
  exclusive?: boolean;
}

export function openMetadataDb(path: string, options: OpenOptions = {}): Db {
  const db = new Database(path);
  try {
    if (options.exclusive) {
      db.pragma("busy_timeout = 0");
      // Before WAL is entered: in exclusive mode SQLite then keeps the WAL index in heap memory.
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE; COMMIT;");
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Runs DDL statements idempotently (CREATE ... IF NOT EXISTS) inside one transaction. */
export function ensureSchema(db: Db, statements: readonly string[]): void {
  db.transaction(() => {
    for (const sql of statements) db.exec(sql);
  })();
}

export type Statement = Database.Statement;

/**
 * Prepares each SQL text once per database: preparing costs more than running the small
 * queries the stores make (a 200-image listing spent most of its time in prepare).
 */
export function statementCache(db: Db): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
}
