// Image metadata in SQLite, modelled on Docker's image store: an image is identified by the
// digest of its config (the image ID); names (tags and digest references) point at IDs.
// Every change that touches several rows happens in one transaction, so a crash never leaves a
// half-written image or a name pointing at nothing.
import { changeCounter, ensureSchema, statementCache, type Db, type Statement } from "../metadata/index.ts";

export interface LayerRecord {
  chainId: string;
  diffId: string;
  blobDigest: string;
  blobMediaType: string;
  blobSize: number;
}

export interface ImageRecord {
  id: string;
  manifestDigest: string;
  manifestMediaType: string;
  /** Creation time from the image config (RFC 3339), "" when the config has none. */
  created: string;
  /** Unpacked size of all layers in bytes. */
  size: number;
  parent: string;
  /** When this daemon stored the image (ms since epoch). */
  addedAt: number;
  lastTagTime: string;
  layers: LayerRecord[];
}

export interface ImageRef {
  /** Fully normalised reference, e.g. docker.io/library/busybox:latest or repo@sha256:... */
  name: string;
  imageId: string;
  isDigest: boolean;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,
    manifest_digest TEXT NOT NULL,
    manifest_media_type TEXT NOT NULL,
    created TEXT NOT NULL,
    size INTEGER NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    added_at INTEGER NOT NULL,
    last_tag_time TEXT NOT NULL DEFAULT ''
  )`,
  `CREATE TABLE IF NOT EXISTS image_layers (
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    chain_id TEXT NOT NULL,
    diff_id TEXT NOT NULL,
    blob_digest TEXT NOT NULL,
    blob_media_type TEXT NOT NULL,
    blob_size INTEGER NOT NULL,
    PRIMARY KEY (image_id, position)
  )`,
  `CREATE TABLE IF NOT EXISTS image_refs (
    name TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    is_digest INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS image_refs_by_image ON image_refs(image_id)`,
];

interface ImageRow {
  id: string;
  manifest_digest: string;
  manifest_media_type: string;
  created: string;
  size: number;
  parent: string;
  added_at: number;
  last_tag_time: string;
}

interface LayerRow {
  image_id: string;
  chain_id: string;
  diff_id: string;
  blob_digest: string;
  blob_media_type: string;
  blob_size: number;
}

interface RefRow {
  name: string;
  image_id: string;
  is_digest: number;
}

export class ImageStore {
  private readonly sql: (text: string) => Statement;
  /** The whole db's change count (any table), the key of caches of image listings. */
  readonly changes: () => number | undefined;

  constructor(private readonly db: Db) {
    ensureSchema(db, SCHEMA);
    this.sql = statementCache(db);
    this.changes = changeCounter(db);
  }

  /**
   * Stores an image (idempotent) and points `names` at it in one transaction. Returns, for each
   * name that moved, the ID it pointed at before (which may now be dangling).
   */
  put(image: ImageRecord, names: readonly ImageRef[] = []): Map<string, string> {
    const moved = new Map<string, string>();
    this.db.transaction(() => {
      const exists = this.sql("SELECT 1 FROM images WHERE id = ?").get(image.id);
      if (!exists) {
        this.sql(
          `INSERT INTO images (id, manifest_digest, manifest_media_type, created, size, parent, added_at, last_tag_time)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          image.id,
          image.manifestDigest,
          image.manifestMediaType,
          image.created,
          image.size,
          image.parent,
          image.addedAt,
          image.lastTagTime,
        );
        const insertLayer = this.sql(
          `INSERT INTO image_layers (image_id, position, chain_id, diff_id, blob_digest, blob_media_type, blob_size)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        image.layers.forEach((l, i) =>
          insertLayer.run(image.id, i, l.chainId, l.diffId, l.blobDigest, l.blobMediaType, l.blobSize),
        );
      }
      for (const ref of names) {
        const previous = this.setRef(ref);
        if (previous !== undefined && previous !== ref.imageId) moved.set(ref.name, previous);
      }
    })();
    return moved;
  }

  /** Points a name at an image; returns the image it pointed at before, if any. */
  setRef(ref: ImageRef): string | undefined {
    const row = this.sql("SELECT image_id FROM image_refs WHERE name = ?").get(ref.name) as
      { image_id: string } | undefined;
    this.sql(
      `INSERT INTO image_refs (name, image_id, is_digest) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id, is_digest = excluded.is_digest`,
    ).run(ref.name, ref.imageId, ref.isDigest ? 1 : 0);
    if (!ref.isDigest) {
      this.sql("UPDATE images SET last_tag_time = ? WHERE id = ?").run(new Date().toISOString(), ref.imageId);
    }
    return row?.image_id;
  }

  removeRef(name: string): boolean {
    return this.sql("DELETE FROM image_refs WHERE name = ?").run(name).changes > 0;
  }

  /** Deletes an image row with its layers and names. */
  delete(id: string): void {
    this.sql("DELETE FROM images WHERE id = ?").run(id);
  }

  get(id: string): ImageRecord | undefined {
    const row = this.sql("SELECT * FROM images WHERE id = ?").get(id) as ImageRow | undefined;
    if (!row) return undefined;
    const layers = this.sql("SELECT * FROM image_layers WHERE image_id = ? ORDER BY position").all(
      id,
    ) as LayerRow[];
    return toRecord(row, layers);
  }

  /** A layer of some image whose chain ends at `chainId` (to unpack its snapshot again). */
  layerWithChainId(chainId: string): LayerRecord | undefined {
    const row = this.sql("SELECT * FROM image_layers WHERE chain_id = ? LIMIT 1").get(chainId) as
      LayerRow | undefined;
    return row && toRecord({ id: row.image_id } as ImageRow, [row]).layers[0];
  }

  count(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM images").get() as { n: number }).n;
  }

  /** All images with their layers, oldest first. */
  list(): ImageRecord[] {
    const rows = this.sql("SELECT * FROM images ORDER BY added_at, id").all() as ImageRow[];
    const layers = this.sql("SELECT * FROM image_layers ORDER BY image_id, position").all() as LayerRow[];
    const byImage = new Map<string, LayerRow[]>();
    for (const l of layers) {
      const list = byImage.get(l.image_id) ?? [];
      list.push(l);
      byImage.set(l.image_id, list);
    }
    return rows.map((r) => toRecord(r, byImage.get(r.id) ?? []));
  }

  /** IDs of images whose ID starts with `prefix` (hex, without "sha256:"). */
  idsWithPrefix(prefix: string): string[] {
    const rows = this.sql("SELECT id FROM images WHERE id >= ? AND id < ? LIMIT 2").all(
      `sha256:${prefix}`,
      `sha256:${prefix}\uffff`,
    ) as { id: string }[];
    return rows.map((r) => r.id);
  }

  ref(name: string): ImageRef | undefined {
    const row = this.sql("SELECT * FROM image_refs WHERE name = ?").get(name) as RefRow | undefined;
    return row && { name: row.name, imageId: row.image_id, isDigest: row.is_digest === 1 };
  }

  refsOf(imageId: string): ImageRef[] {
    const rows = this.sql("SELECT * FROM image_refs WHERE image_id = ? ORDER BY name").all(
      imageId,
    ) as RefRow[];
    return rows.map((r) => ({ name: r.name, imageId: r.image_id, isDigest: r.is_digest === 1 }));
  }

  allRefs(): ImageRef[] {
    const rows = this.sql("SELECT * FROM image_refs ORDER BY name").all() as RefRow[];
    return rows.map((r) => ({ name: r.name, imageId: r.image_id, isDigest: r.is_digest === 1 }));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toRecord(row: ImageRow, layers: LayerRow[]): ImageRecord {
  return {
    id: row.id,
    manifestDigest: row.manifest_digest,
    manifestMediaType: row.manifest_media_type,
    created: row.created,
    size: row.size,
    parent: row.parent,
    addedAt: row.added_at,
    lastTagTime: row.last_tag_time,
    layers: layers.map((l) => ({
      chainId: l.chain_id,
      diffId: l.diff_id,
      blobDigest: l.blob_digest,
      blobMediaType: l.blob_media_type,
      blobSize: l.blob_size,
    })),
  };
}
