// Overlay snapshots keyed by chain ID (OCI image-spec config.md "Layer ChainID"), so images that
// share a layer stack share the unpacked directories (containerd-design snapshots.md, with the
// committed/active distinction reduced to what image layers need).
//
// Layout: <root>/<id>/fs holds one layer's files with overlayfs whiteouts; <id> is short and
// random so overlay's lowerdir= option string stays short. A snapshot is filled in
// <root>/tmp-<random>/ and renamed into place before its row is inserted, so a crash leaves at
// most a tmp-* directory or a directory without a row, both removed by removeTemporary().
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { conflict, notFound } from "../lib/index.ts";
import { ensureSchema, type Db } from "../metadata/index.ts";

export interface SnapshotInfo {
  chainId: string;
  parent: string | null;
  /** The layer's directory, usable as an overlay lowerdir. */
  path: string;
  /** Bytes of the unpacked layer. */
  size: number;
}

export interface OverlaySnapshotterOptions {
  root: string;
  db: Db;
}

interface Row {
  chain_id: string;
  parent: string | null;
  dir: string;
  size: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS snapshots (
    chain_id TEXT PRIMARY KEY,
    parent TEXT REFERENCES snapshots(chain_id),
    dir TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  )`,
];

export class OverlaySnapshotter {
  readonly root: string;
  private readonly db: Db;
  private readonly inFlight = new Map<string, Promise<SnapshotInfo>>();

  constructor(options: OverlaySnapshotterOptions) {
    this.root = options.root;
    this.db = options.db;
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    ensureSchema(this.db, SCHEMA);
  }

  get(chainId: string): SnapshotInfo | undefined {
    const row = this.db.prepare("SELECT * FROM snapshots WHERE chain_id = ?").get(chainId) as Row | undefined;
    return row && this.toInfo(row);
  }

  has(chainId: string): boolean {
    return this.get(chainId) !== undefined;
  }

  list(): SnapshotInfo[] {
    return (this.db.prepare("SELECT * FROM snapshots ORDER BY chain_id").all() as Row[]).map((r) =>
      this.toInfo(r),
    );
  }

  /**
   * Returns the snapshot for `chainId`, creating it when missing: `fill` writes the layer into
   * an empty directory and reports its size. Concurrent creates of one chain ID share the work.
   */
  create(
    chainId: string,
    parent: string | null,
    fill: (dir: string) => Promise<{ size: number }>,
  ): Promise<SnapshotInfo> {
    const existing = this.get(chainId);
    if (existing) return Promise.resolve(existing);
    const running = this.inFlight.get(chainId);
    if (running) return running;
    const work = this.build(chainId, parent, fill).finally(() => this.inFlight.delete(chainId));
    this.inFlight.set(chainId, work);
    return work;
  }

  private async build(
    chainId: string,
    parent: string | null,
    fill: (dir: string) => Promise<{ size: number }>,
  ): Promise<SnapshotInfo> {
    if (parent !== null && !this.has(parent)) {
      throw notFound("SNAPSHOT_PARENT_MISSING", `parent snapshot ${parent} of ${chainId} does not exist`);
    }
    const tmp = join(this.root, `tmp-${randomBytes(8).toString("hex")}`);
    mkdirSync(join(tmp, "fs"), { recursive: true, mode: 0o755 });
    try {
      const { size } = await fill(join(tmp, "fs"));
      const dir = randomBytes(6).toString("hex");
      renameSync(tmp, join(this.root, dir));
      this.db
        .prepare("INSERT INTO snapshots (chain_id, parent, dir, size, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(chainId, parent, dir, size, Date.now());
      return { chainId, parent, path: join(this.root, dir, "fs"), size };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** overlay lowerdir= entries for a chain, top-most layer first. */
  lowerDirs(chainId: string): string[] {
    const dirs: string[] = [];
    for (let s = this.get(chainId); s; s = s.parent === null ? undefined : this.get(s.parent))
      dirs.push(s.path);
    return dirs;
  }

  /** Removes a snapshot; refused while another snapshot is built on it. */
  async remove(chainId: string): Promise<void> {
    const row = this.db.prepare("SELECT * FROM snapshots WHERE chain_id = ?").get(chainId) as Row | undefined;
    if (!row) return;
    const child = this.db.prepare("SELECT chain_id FROM snapshots WHERE parent = ? LIMIT 1").get(chainId);
    if (child) throw conflict("SNAPSHOT_IN_USE", `snapshot ${chainId} has children`);
    // Row first, then files: a crash in between leaves a directory without a row, which the
    // next start removes; the reverse would leave a row pointing at nothing.
    this.db.prepare("DELETE FROM snapshots WHERE chain_id = ?").run(chainId);
    await rm(join(this.root, row.dir), { recursive: true, force: true });
  }

  /** Start-up reconcile: tmp-* dirs, dirs without a row, and rows without a dir go. */
  async removeTemporary(): Promise<void> {
    const rows = this.db.prepare("SELECT * FROM snapshots").all() as Row[];
    const known = new Set(rows.map((r) => r.dir));
    for (const name of readdirSync(this.root)) {
      if (!known.has(name)) await rm(join(this.root, name), { recursive: true, force: true });
    }
    // Rows whose directory vanished: delete children before parents.
    const missing = rows.filter((r) => !existsSync(join(this.root, r.dir)));
    while (missing.length > 0) {
      const leafIndex = missing.findIndex((r) => !missing.some((o) => o.parent === r.chain_id));
      const [leaf] = missing.splice(leafIndex < 0 ? 0 : leafIndex, 1);
      if (leaf) this.db.prepare("DELETE FROM snapshots WHERE chain_id = ?").run(leaf.chain_id);
    }
  }

  private toInfo(row: Row): SnapshotInfo {
    return {
      chainId: row.chain_id,
      parent: row.parent,
      path: join(this.root, row.dir, "fs"),
      size: row.size,
    };
  }
}
