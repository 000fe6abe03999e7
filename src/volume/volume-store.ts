// Volume metadata in SQLite: one row per volume. The data lives under <root>/volumes/<name>/_data
// (Docker's layout); the row is the source of truth for which volumes exist.
import { ensureSchema, type Db } from "../metadata/index.ts";

export interface VolumeRecord {
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** Driver options as given at create (local: type, device, o). */
  options: Record<string, string>;
  /** RFC 3339, seconds precision, as Docker reports CreatedAt. */
  createdAt: string;
  /** Created without a name (image VOLUME, `-v /path`); only these are pruned by default. */
  anonymous: boolean;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS volumes (
    name TEXT PRIMARY KEY,
    driver TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    options TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    anonymous INTEGER NOT NULL DEFAULT 0
  )`,
];

interface VolumeRow {
  name: string;
  driver: string;
  labels: string;
  options: string;
  created_at: string;
  anonymous: number;
}

export class VolumeStore {
  constructor(private readonly db: Db) {
    ensureSchema(db, SCHEMA);
  }

  get(name: string): VolumeRecord | undefined {
    const row = this.db.prepare("SELECT * FROM volumes WHERE name = ?").get(name) as VolumeRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  list(): VolumeRecord[] {
    return (this.db.prepare("SELECT * FROM volumes ORDER BY name").all() as VolumeRow[]).map(fromRow);
  }

  /** Inserts unless the name exists; returns the stored record and whether it was new. */
  insert(record: VolumeRecord): { record: VolumeRecord; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.get(record.name);
      if (existing !== undefined) return { record: existing, created: false };
      this.db
        .prepare(
          `INSERT INTO volumes (name, driver, labels, options, created_at, anonymous) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.name,
          record.driver,
          JSON.stringify(record.labels),
          JSON.stringify(record.options),
          record.createdAt,
          record.anonymous ? 1 : 0,
        );
      return { record, created: true };
    })();
  }

  delete(name: string): boolean {
    return this.db.prepare("DELETE FROM volumes WHERE name = ?").run(name).changes > 0;
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM volumes").get() as { n: number }).n;
  }
}

function fromRow(row: VolumeRow): VolumeRecord {
  return {
    name: row.name,
    driver: row.driver,
    labels: JSON.parse(row.labels) as Record<string, string>,
    options: JSON.parse(row.options) as Record<string, string>,
    createdAt: row.created_at,
    anonymous: row.anonymous !== 0,
  };
}
