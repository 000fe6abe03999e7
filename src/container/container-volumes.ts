// Which anonymous volume serves which destination of a container (image VOLUMEs and `-v /path`).
// Docker keeps these in the container's MountPoints; here a table beside the container rows.
import { ensureSchema, statementCache, type Db, type Statement } from "../metadata/index.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS container_anonymous_volumes (
    container_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    volume TEXT NOT NULL,
    PRIMARY KEY (container_id, destination)
  )`,
];

export class ContainerVolumeStore {
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    ensureSchema(db, SCHEMA);
    this.sql = statementCache(db);
  }

  set(containerId: string, destination: string, volume: string): void {
    this.sql(
      "INSERT OR REPLACE INTO container_anonymous_volumes (container_id, destination, volume) VALUES (?, ?, ?)",
    ).run(containerId, destination, volume);
  }

  /** destination → volume name. */
  of(containerId: string): Map<string, string> {
    const rows = this.sql(
      "SELECT destination, volume FROM container_anonymous_volumes WHERE container_id = ?",
    ).all(containerId) as { destination: string; volume: string }[];
    return new Map(rows.map((r) => [r.destination, r.volume]));
  }

  deleteAll(containerId: string): void {
    this.sql("DELETE FROM container_anonymous_volumes WHERE container_id = ?").run(containerId);
  }
}
