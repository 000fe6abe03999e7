// A cheap "has anything been written?" probe for caches of what the stores hold: SQLite's
// total_changes() counts every row this connection inserted, updated or deleted since it
// opened (https://sqlite.org/lang_corefunc.html#total_changes). The daemon's connection holds
// the root's exclusive lock (root-lock.ts), so no other writer exists: an unchanged count means
// unchanged tables, and a cache keyed on it can never serve rows a write has replaced.
import type { Db } from "./metadata-db.ts";

/**
 * Returns a function giving the current change count, or undefined inside a transaction (a
 * cache filled there could keep rows a rollback then undoes without moving the count).
 */
export function changeCounter(db: Db): () => number | undefined {
  const stmt = db.prepare("SELECT total_changes() AS n").pluck();
  return () => (db.inTransaction ? undefined : (stmt.get() as number));
}
