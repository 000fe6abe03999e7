// Container metadata in SQLite. A container row holds Docker's own documents (Config, HostConfig,
// State) as JSON, so the API returns what was stored and the runtime can build a spec from it;
// the columns beside them (name, image, created, labels) serve lookups and filters.
//
// Names: the `name` column is UNIQUE and holds Docker's stored form ("/x"). Reserving a name is
// the INSERT (or UPDATE for rename) itself, so two creates racing for one name cannot both win:
// the loser gets Docker's conflict error naming the holder.
import { ensureSchema, statementCache, type Db, type Statement } from "../metadata/index.ts";
import { type ContainerState } from "./container-state.ts";
import { ambiguousContainerPrefix, containerNameInUse, noSuchContainer } from "./errors.ts";

/** A stored container. C and H are the Config and HostConfig documents (Docker's wire shapes). */
export interface ContainerRecord<C = unknown, H = unknown> {
  /** 64 lowercase hex characters. */
  id: string;
  /** Stored form with the leading "/". */
  name: string;
  /** "sha256:<hex>" of the image the container was created from. */
  imageId: string;
  /** The image as the user gave it ("busybox", "busybox:1", an ID prefix...). */
  imageName: string;
  /** RFC 3339 with nanoseconds, UTC. */
  created: string;
  config: C;
  hostConfig: H;
  state: ContainerState;
  labels: Record<string, string>;
  restartCount: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS containers (
    id TEXT PRIMARY KEY CHECK (length(id) = 64),
    name TEXT NOT NULL UNIQUE,
    image_id TEXT NOT NULL,
    image_name TEXT NOT NULL,
    created TEXT NOT NULL,
    config TEXT NOT NULL,
    host_config TEXT NOT NULL,
    state TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    restart_count INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS containers_by_image ON containers(image_id)`,
];

interface ContainerRow {
  id: string;
  name: string;
  image_id: string;
  image_name: string;
  created: string;
  config: string;
  host_config: string;
  state: string;
  labels: string;
  restart_count: number;
}

function isUniqueViolation(err: unknown): boolean {
  return (
    err instanceof Error && "code" in err && (err as { code: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE"
  );
}

function isPrimaryKeyViolation(err: unknown): boolean {
  return (
    err instanceof Error &&
    "code" in err &&
    (err as { code: unknown }).code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/** A JSON column's text and what it parsed to (list()'s memo). */
interface ParsedColumns {
  readonly config: string;
  readonly hostConfig: string;
  readonly state: string;
  readonly labels: string;
  readonly record: ContainerRecord<unknown, unknown>;
}

export class ContainerStore<C = unknown, H = unknown> {
  private readonly sql: (text: string) => Statement;
  /**
   * The documents list() parsed last time, by container ID: `docker ps` lists every container,
   * and parsing each one's Config/HostConfig/State again was a third of berthd's time for it
   * (100 containers). A column is parsed again only when its stored text changed. Callers treat
   * records as read-only (updates go through setState/setHostConfig...).
   */
  private parsed = new Map<string, ParsedColumns>();

  constructor(private readonly db: Db) {
    ensureSchema(db, SCHEMA);
    this.sql = statementCache(db);
  }

  /**
   * Inserts a new container, reserving its name. Throws Docker's name conflict when the name is
   * held; `duplicateId` is returned (not thrown) when only the ID collided, so callers retry.
   */
  insert(record: ContainerRecord<C, H>): "ok" | "duplicate-id" {
    try {
      this.sql(
        `INSERT INTO containers (id, name, image_id, image_name, created, config, host_config, state, labels, restart_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        record.id,
        record.name,
        record.imageId,
        record.imageName,
        record.created,
        JSON.stringify(record.config),
        JSON.stringify(record.hostConfig),
        JSON.stringify(record.state),
        JSON.stringify(record.labels),
        record.restartCount,
      );
      return "ok";
    } catch (err) {
      if (isPrimaryKeyViolation(err)) return "duplicate-id";
      if (isUniqueViolation(err)) {
        if (this.get(record.id)) return "duplicate-id";
        throw containerNameInUse(record.name, this.idOfName(record.name) ?? "");
      }
      throw err;
    }
  }

  get(id: string): ContainerRecord<C, H> | undefined {
    const row = this.sql("SELECT * FROM containers WHERE id = ?").get(id) as ContainerRow | undefined;
    return row && this.toRecord(row);
  }

  /** `name` in stored form ("/x"). */
  idOfName(name: string): string | undefined {
    const row = this.sql("SELECT id FROM containers WHERE name = ?").get(name) as { id: string } | undefined;
    return row?.id;
  }

  /** Up to two IDs starting with `prefix` (two mean ambiguous). */
  idsWithPrefix(prefix: string): string[] {
    const rows = this.sql("SELECT id FROM containers WHERE id >= ? AND id < ? LIMIT 2").all(
      prefix,
      `${prefix}\uffff`,
    ) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * moby's GetContainer order: full ID, then name (with or without "/"), then a unique ID
   * prefix. Throws "No such container" or the ambiguous-prefix error.
   */
  resolve(ref: string): ContainerRecord<C, H> {
    if (ref === "") throw noSuchContainer(ref);
    if (/^[a-f0-9]{64}$/.test(ref)) {
      const byId = this.get(ref);
      if (byId) return byId;
    }
    const byName = this.idOfName(ref.startsWith("/") ? ref : `/${ref}`);
    if (byName !== undefined) {
      const record = this.get(byName);
      if (record) return record;
    }
    if (/^[a-f0-9]+$/.test(ref)) {
      const ids = this.idsWithPrefix(ref);
      if (ids.length > 1) throw ambiguousContainerPrefix(ref);
      const record = ids[0] === undefined ? undefined : this.get(ids[0]);
      if (record) return record;
    }
    throw noSuchContainer(ref);
  }

  /** All containers, newest first (Docker's ps order). */
  list(): ContainerRecord<C, H>[] {
    const rows = this.sql("SELECT * FROM containers ORDER BY rowid DESC").all() as ContainerRow[];
    const previous = this.parsed;
    const parsed = new Map<string, ParsedColumns>();
    const out = rows.map((r) => {
      const before = previous.get(r.id);
      const record: ContainerRecord<C, H> = {
        id: r.id,
        name: r.name,
        imageId: r.image_id,
        imageName: r.image_name,
        created: r.created,
        config: (before?.config === r.config ? before.record.config : JSON.parse(r.config)) as C,
        hostConfig: (before?.hostConfig === r.host_config
          ? before.record.hostConfig
          : JSON.parse(r.host_config)) as H,
        state: before?.state === r.state ? before.record.state : (JSON.parse(r.state) as ContainerState),
        labels:
          before?.labels === r.labels
            ? before.record.labels
            : (JSON.parse(r.labels) as Record<string, string>),
        restartCount: r.restart_count,
      };
      parsed.set(r.id, {
        config: r.config,
        hostConfig: r.host_config,
        state: r.state,
        labels: r.labels,
        record,
      });
      return record;
    });
    this.parsed = parsed; // removed containers drop out
    return out;
  }

  count(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM containers").get() as { n: number }).n;
  }

  /** IDs of containers created from an image, for image removal checks. */
  idsUsingImage(imageId: string): string[] {
    const rows = this.sql("SELECT id FROM containers WHERE image_id = ?").all(imageId) as { id: string }[];
    return rows.map((r) => r.id);
  }

  setState(id: string, state: ContainerState): void {
    const changed = this.sql("UPDATE containers SET state = ? WHERE id = ?").run(JSON.stringify(state), id);
    if (changed.changes === 0) throw noSuchContainer(id);
  }

  /** Moves a container to a new name (stored form); conflicts as insert does. */
  rename(id: string, newName: string): void {
    try {
      const changed = this.sql("UPDATE containers SET name = ? WHERE id = ?").run(newName, id);
      if (changed.changes === 0) throw noSuchContainer(id);
    } catch (err) {
      if (isUniqueViolation(err)) throw containerNameInUse(newName, this.idOfName(newName) ?? "");
      throw err;
    }
  }

  /** Replaces the stored HostConfig (`docker update`). */
  setHostConfig(id: string, hostConfig: H): void {
    const changed = this.sql("UPDATE containers SET host_config = ? WHERE id = ?").run(
      JSON.stringify(hostConfig),
      id,
    );
    if (changed.changes === 0) throw noSuchContainer(id);
  }

  setRestartCount(id: string, count: number): void {
    this.sql("UPDATE containers SET restart_count = ? WHERE id = ?").run(count, id);
  }

  delete(id: string): boolean {
    return this.sql("DELETE FROM containers WHERE id = ?").run(id).changes > 0;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private toRecord(row: ContainerRow): ContainerRecord<C, H> {
    return {
      id: row.id,
      name: row.name,
      imageId: row.image_id,
      imageName: row.image_name,
      created: row.created,
      config: JSON.parse(row.config) as C,
      hostConfig: JSON.parse(row.host_config) as H,
      state: JSON.parse(row.state) as ContainerState,
      labels: JSON.parse(row.labels) as Record<string, string>,
      restartCount: row.restart_count,
    };
  }
}
