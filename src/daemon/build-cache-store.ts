// Build cache records in the metadata DB: step key → image it produced. A hit is only used when
// the image still exists, so image removal never yields a broken cache. `builder prune` drops
// the records and the intermediate images only the cache kept alive.
import { ensureSchema, statementCache, type Db } from "../metadata/index.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS build_cache (
    key TEXT PRIMARY KEY,
    image_id TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    usage_count INTEGER NOT NULL DEFAULT 1
  )`,
];

export interface BuildCacheRecord {
  key: string;
  imageId: string;
  description: string;
  createdAt: number;
  lastUsedAt: number;
  usageCount: number;
}

export class BuildCacheStore {
  private readonly stmt: ReturnType<typeof statementCache>;
  constructor(db: Db) {
    ensureSchema(db, SCHEMA);
    this.stmt = statementCache(db);
  }

  lookup(key: string): string | undefined {
    const row = this.stmt("SELECT image_id FROM build_cache WHERE key = ?").get(key) as
      { image_id: string } | undefined;
    return row?.image_id;
  }

  touch(key: string): void {
    this.stmt("UPDATE build_cache SET last_used_at = ?, usage_count = usage_count + 1 WHERE key = ?").run(
      Date.now(),
      key,
    );
  }

  record(key: string, imageId: string, description: string): void {
    const now = Date.now();
    this.stmt(
      `INSERT INTO build_cache (key, image_id, description, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET image_id = excluded.image_id, last_used_at = excluded.last_used_at`,
    ).run(key, imageId, description, now, now);
  }

  list(): BuildCacheRecord[] {
    const rows = this.stmt("SELECT * FROM build_cache ORDER BY created_at").all() as {
      key: string;
      image_id: string;
      description: string;
      created_at: number;
      last_used_at: number;
      usage_count: number;
    }[];
    return rows.map((r) => ({
      key: r.key,
      imageId: r.image_id,
      description: r.description,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      usageCount: r.usage_count,
    }));
  }

  delete(keys: readonly string[]): void {
    for (const k of keys) this.stmt("DELETE FROM build_cache WHERE key = ?").run(k);
  }
}
