// Overlay snapshots keyed by chain ID (OCI image-spec config.md "Layer ChainID"), so images that
// share a layer stack share the unpacked directories (containerd-design snapshots.md, with the
// committed/active distinction reduced to what image layers need: every snapshot here is
// committed, and its parent is the chain ID of the layers below it).
//
// Layout: <root>/<id>/fs holds one layer's files with overlayfs whiteouts; <id> is short and
// random, not the chain ID, so overlay's lowerdir= option string stays short. A snapshot is
// filled in <root>/tmp-<random>/, flushed to disk, renamed into place, and only then gets its
// row: a crash leaves at most a tmp-* directory or a directory without a row, both removed by
// removeTemporary() at start-up. A row therefore always names a complete directory.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { conflict, notFound } from "../lib/index.ts";
import { ensureSchema, type Db } from "../metadata/index.ts";
import { runCommand } from "./run-command.ts";

export interface SnapshotInfo {
  chainId: string;
  /** Chain ID of the snapshot below, null for a base layer. */
  parent: string | null;
  /** The layer's directory, usable as an overlay lowerdir. */
  path: string;
  /** Bytes of the unpacked layer, as reported by the fill function. */
  size: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface OverlaySnapshotterOptions {
  /** The snapshotter's own directory (the daemon passes <--root>/overlay). */
  root: string;
  db: Db;
  /**
   * Flush each new layer to disk (syncfs, via `sync -f`) before recording it, so a power loss
   * never leaves a row over half-written files. Default true; tests may turn it off.
   */
  durable?: boolean;
}

export type FillSnapshot = (dir: string) => Promise<{ size: number }>;

export interface ReconcileReport {
  /** Directory names under root that were removed (tmp-* and dirs without a row). */
  removedDirs: string[];
  /** Chain IDs whose rows were removed: their directory was missing, or a parent's was. */
  removedSnapshots: string[];
}

interface Row {
  chain_id: string;
  parent: string | null;
  dir: string;
  size: number;
  created_at: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS snapshots (
    chain_id TEXT PRIMARY KEY,
    parent TEXT REFERENCES snapshots(chain_id),
    dir TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS snapshots_parent ON snapshots(parent)",
];

const TMP_PREFIX = "tmp-";

export class OverlaySnapshotter {
  readonly root: string;
  readonly #db: Db;
  readonly #durable: boolean;
  /** Creates in progress, by chain ID: concurrent creates of one chain share the work. */
  readonly #inFlight = new Map<string, { parent: string | null; tmp: string; done: Promise<SnapshotInfo> }>();

  constructor(options: OverlaySnapshotterOptions) {
    this.root = options.root;
    this.#db = options.db;
    this.#durable = options.durable ?? true;
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    ensureSchema(this.#db, SCHEMA);
  }

  get(chainId: string): SnapshotInfo | undefined {
    const row = this.#db.prepare("SELECT * FROM snapshots WHERE chain_id = ?").get(chainId) as
      Row | undefined;
    return row && this.#info(row);
  }

  has(chainId: string): boolean {
    return this.#db.prepare("SELECT 1 FROM snapshots WHERE chain_id = ?").get(chainId) !== undefined;
  }

  list(): SnapshotInfo[] {
    const rows = this.#db.prepare("SELECT * FROM snapshots ORDER BY chain_id").all() as Row[];
    return rows.map((r) => this.#info(r));
  }

  /**
   * Returns the snapshot for `chainId`, creating it when missing: `fill` writes the layer into
   * an empty directory and reports its size. Concurrent creates of one chain ID share the work
   * (the first caller's `fill` runs). The parent must exist.
   */
  create(chainId: string, parent: string | null, fill: FillSnapshot): Promise<SnapshotInfo> {
    const existing = this.get(chainId);
    if (existing) return Promise.resolve(existing);
    const running = this.#inFlight.get(chainId);
    if (running) return running.done;
    if (parent !== null && !this.has(parent)) {
      return Promise.reject(
        notFound("SNAPSHOT_PARENT_MISSING", `parent snapshot ${parent} of ${chainId} does not exist`),
      );
    }
    const tmp = mkdtempSync(join(this.root, TMP_PREFIX));
    const done = this.#build(chainId, parent, tmp, fill).finally(() => this.#inFlight.delete(chainId));
    this.#inFlight.set(chainId, { parent, tmp, done });
    return done;
  }

  /** overlay lowerdir= entries for a chain, top-most layer first; [] for an unknown chain. */
  lowerDirs(chainId: string): string[] {
    const rows = this.#db
      .prepare(
        `WITH RECURSIVE chain(chain_id, parent, dir, depth) AS (
           SELECT chain_id, parent, dir, 0 FROM snapshots WHERE chain_id = ?
           UNION ALL
           SELECT s.chain_id, s.parent, s.dir, c.depth + 1 FROM snapshots s JOIN chain c ON s.chain_id = c.parent
         ) SELECT dir FROM chain ORDER BY depth`,
      )
      .all(chainId) as { dir: string }[];
    return rows.map((r) => this.#fsDir(r.dir));
  }

  /** Removes a snapshot; refused (conflict) while another snapshot is, or is being, built on it. */
  async remove(chainId: string): Promise<void> {
    const row = this.#db.prepare("SELECT * FROM snapshots WHERE chain_id = ?").get(chainId) as
      Row | undefined;
    if (!row) return;
    const child = this.#db.prepare("SELECT chain_id FROM snapshots WHERE parent = ? LIMIT 1").get(chainId) as
      { chain_id: string } | undefined;
    const building = [...this.#inFlight.entries()].find(([, c]) => c.parent === chainId)?.[0];
    if (child !== undefined || building !== undefined) {
      throw conflict(
        "SNAPSHOT_IN_USE",
        `snapshot ${chainId} is the parent of ${child?.chain_id ?? building}`,
      );
    }
    // Row first, then files: a crash in between leaves a directory without a row, which the
    // next start removes; the reverse would leave a row pointing at nothing.
    this.#db.prepare("DELETE FROM snapshots WHERE chain_id = ?").run(chainId);
    await rm(join(this.root, row.dir), { recursive: true, force: true });
  }

  /** Total bytes and number of snapshots. */
  usage(): { count: number; size: number } {
    const row = this.#db
      .prepare("SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS size FROM snapshots")
      .get() as {
      count: number;
      size: number;
    };
    return { count: row.count, size: row.size };
  }

  /**
   * Start-up reconcile: removes tmp-* directories and directories without a row, and rows whose
   * directory is gone together with every snapshot built on them (they would mount without
   * their lower layers). Creates running in this process are left alone.
   */
  async removeTemporary(): Promise<ReconcileReport> {
    const rows = this.#db.prepare("SELECT * FROM snapshots").all() as Row[];
    const known = new Set(rows.map((r) => r.dir));
    const building = new Set([...this.#inFlight.values()].map((c) => c.tmp));
    const removedDirs: string[] = [];
    for (const name of readdirSync(this.root)) {
      if (known.has(name) || building.has(join(this.root, name))) continue;
      await rm(join(this.root, name), { recursive: true, force: true });
      removedDirs.push(name);
    }
    const children = new Map<string, Row[]>();
    for (const row of rows)
      if (row.parent !== null) children.set(row.parent, [...(children.get(row.parent) ?? []), row]);
    const doomed = new Map<string, Row>();
    const condemn = (row: Row): void => {
      if (doomed.has(row.chain_id)) return;
      doomed.set(row.chain_id, row);
      for (const child of children.get(row.chain_id) ?? []) condemn(child);
    };
    for (const row of rows) if (!existsSync(this.#fsDir(row.dir))) condemn(row);
    if (doomed.size > 0) {
      this.#db.transaction(() => {
        this.#db.pragma("defer_foreign_keys = ON"); // parents and children go in one commit
        const del = this.#db.prepare("DELETE FROM snapshots WHERE chain_id = ?");
        for (const chainId of doomed.keys()) del.run(chainId);
      })();
      for (const row of doomed.values()) await rm(join(this.root, row.dir), { recursive: true, force: true });
    }
    return { removedDirs, removedSnapshots: [...doomed.keys()] };
  }

  async #build(
    chainId: string,
    parent: string | null,
    tmp: string,
    fill: FillSnapshot,
  ): Promise<SnapshotInfo> {
    let placed: string | undefined;
    try {
      const fs = join(tmp, "fs");
      mkdirSync(fs);
      chmodSync(fs, 0o755); // the layer root's mode, unless the layer has an entry for "."
      const { size } = await fill(fs);
      const dir = randomBytes(6).toString("hex");
      renameSync(tmp, join(this.root, dir));
      placed = join(this.root, dir);
      // After the rename, so one flush covers the files and the new directory entry.
      if (this.#durable) await runCommand(["sync", "-f", placed]);
      const createdAt = Date.now();
      this.#db
        .prepare("INSERT INTO snapshots (chain_id, parent, dir, size, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(chainId, parent, dir, size, createdAt);
      return { chainId, parent, path: this.#fsDir(dir), size, createdAt };
    } catch (err) {
      await rm(placed ?? tmp, { recursive: true, force: true });
      throw err;
    }
  }

  #fsDir(dir: string): string {
    return join(this.root, dir, "fs");
  }

  #info(row: Row): SnapshotInfo {
    return {
      chainId: row.chain_id,
      parent: row.parent,
      path: this.#fsDir(row.dir),
      size: row.size,
      createdAt: row.created_at,
    };
  }
}
