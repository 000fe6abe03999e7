// Overlay snapshots keyed by chain ID (OCI image-spec config.md "Layer ChainID"), so images that
// share a layer stack share the unpacked directories (containerd-design snapshots.md, with the
// committed/active distinction reduced to what image layers need: every snapshot here is
// committed, and its parent is the chain ID of the layers below it).
//
// Layout: <root>/<id>/fs holds one layer's files with overlayfs whiteouts; <id> is short and
// random, not the chain ID, so overlay's lowerdir= option string stays short. A snapshot is
// filled in <root>/tmp-<random>/, renamed into place, and only then gets its row: a crash leaves
// at most a tmp-* directory or a directory without a row, both removed by removeTemporary() at
// start-up. A row therefore always names a complete directory.
//
// Flushing to disk is deferred: a new row records the boot it was made in (boot-id.ts) until a
// background syncfs has covered it. After a daemon crash in the same boot the page cache still
// holds the files, and start-up just flushes them; after a power loss (another boot) the rows
// are reported as stale, for the image service to unpack again from their durable blobs. A load
// thus does not wait for ~100 MB of small files to reach the disk.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { conflict, notFound } from "../lib/index.ts";
import { ensureSchema, type Db } from "../metadata/index.ts";
import { bootId } from "./boot-id.ts";
import { CoalescedFlush } from "./coalesced-flush.ts";
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
   * Flush new layers to disk (syncfs, via `sync -f`, in the background; see the top of this
   * file). Default true; tests may turn it off.
   */
  durable?: boolean;
  /** Told when a background flush fails (the rows stay unflushed until the next start). */
  onFlushError?: (err: unknown) => void;
}

/** An empty layer directory handed out by scratch(), to fill and then adopt() or discard(). */
export interface Scratch {
  /** The directory to fill (mode 0755 unless the layer sets its root's mode). */
  path: string;
  discard(): Promise<void>;
}

export type FillSnapshot = (dir: string) => Promise<{ size: number }>;

export interface ReconcileReport {
  /** Directory names under root that were removed (tmp-* and dirs without a row). */
  removedDirs: string[];
  /** Chain IDs whose rows were removed: their directory was missing, or a parent's was. */
  removedSnapshots: string[];
  /** Chain IDs made in an earlier boot and never flushed: their files may be incomplete. */
  stale: string[];
}

interface Row {
  chain_id: string;
  parent: string | null;
  dir: string;
  size: number;
  created_at: number;
  unflushed_boot: string | null;
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
/** Added after the first release: the boot a row was made in while its files are unflushed. */
const UNFLUSHED_COLUMN = "ALTER TABLE snapshots ADD COLUMN unflushed_boot TEXT";

const TMP_PREFIX = "tmp-";

export class OverlaySnapshotter {
  readonly root: string;
  readonly #db: Db;
  readonly #durable: boolean;
  /** Creates in progress, by chain ID: concurrent creates of one chain share the work. */
  readonly #inFlight = new Map<string, { parent: string | null; tmp: string; done: Promise<SnapshotInfo> }>();
  /** tmp-* directories handed out by scratch() and not yet adopted or discarded. */
  readonly #scratches = new Set<string>();
  readonly #flush: CoalescedFlush<string>;

  constructor(options: OverlaySnapshotterOptions) {
    this.root = options.root;
    this.#db = options.db;
    this.#durable = options.durable ?? true;
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    ensureSchema(this.#db, SCHEMA);
    const columns = this.#db.prepare("SELECT name FROM pragma_table_info('snapshots')").all() as {
      name: string;
    }[];
    if (!columns.some((c) => c.name === "unflushed_boot")) this.#db.exec(UNFLUSHED_COLUMN);
    this.#flush = new CoalescedFlush(
      this.root,
      (chainIds) => this.#markFlushed(chainIds),
      options.onFlushError ?? (() => {}),
    );
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
  create(chainId: string, parent: string | null, fill: FillSnapshot, filled?: string): Promise<SnapshotInfo> {
    const existing = this.get(chainId);
    if (existing) return Promise.resolve(existing);
    const running = this.#inFlight.get(chainId);
    if (running) return running.done;
    if (parent !== null && !this.has(parent)) {
      const missing = notFound(
        "SNAPSHOT_PARENT_MISSING",
        `parent snapshot ${parent} of ${chainId} does not exist`,
      );
      if (filled === undefined) return Promise.reject(missing);
      return rm(filled, { recursive: true, force: true }).then(() => Promise.reject(missing));
    }
    const tmp = filled ?? this.#newTmp();
    const done = this.#build(chainId, parent, tmp, fill).finally(() => this.#inFlight.delete(chainId));
    this.#inFlight.set(chainId, { parent, tmp, done });
    return done;
  }

  /** An empty directory on the snapshots' filesystem, to fill (e.g. while a blob streams in). */
  scratch(): Scratch {
    const tmp = this.#newTmp();
    this.#scratches.add(tmp);
    return {
      path: join(tmp, "fs"),
      discard: async () => {
        if (!this.#scratches.delete(tmp)) return;
        await rm(tmp, { recursive: true, force: true });
      },
    };
  }

  /**
   * Makes a filled scratch directory the snapshot for `chainId`. When that snapshot exists (or
   * is being made) already, the scratch is discarded and the existing one returned.
   */
  async adopt(chainId: string, parent: string | null, scratch: Scratch, size: number): Promise<SnapshotInfo> {
    const tmp = dirname(scratch.path);
    if (!this.#scratches.delete(tmp)) throw notFound("SCRATCH_GONE", `scratch directory ${tmp} is gone`);
    const existing = this.get(chainId) ?? this.#inFlight.get(chainId)?.done;
    if (existing !== undefined) {
      await rm(tmp, { recursive: true, force: true });
      return existing;
    }
    return this.create(chainId, parent, () => Promise.resolve({ size }), tmp);
  }

  /**
   * Keeps the background flush from starting until the returned function is called: a caller
   * about to fsync a few small files of its own (a `docker load` recording its image) holds it,
   * or each of its fsyncs would wait for the syncfs of every new layer file (ext4 data=ordered).
   * Rows stay marked unflushed meanwhile, so a crash is handled as before.
   */
  holdFlushes(): () => void {
    return this.#flush.hold();
  }

  /** Resolves once every snapshot made so far is flushed to disk. */
  flushed(): Promise<void> {
    return this.#flush.idle();
  }

  /**
   * Refills a stale snapshot (see ReconcileReport.stale) in a new directory, flushed at once,
   * and swaps it in; the old directory is removed.
   */
  async rebuild(chainId: string, fill: FillSnapshot): Promise<void> {
    const row = this.#db.prepare("SELECT * FROM snapshots WHERE chain_id = ?").get(chainId) as
      Row | undefined;
    if (!row) throw notFound("SNAPSHOT_NOT_FOUND", `snapshot ${chainId} does not exist`);
    const tmp = this.#newTmp();
    try {
      const { size } = await fill(join(tmp, "fs"));
      const dir = randomBytes(6).toString("hex");
      renameSync(tmp, join(this.root, dir));
      await runCommand(["sync", "-f", join(this.root, dir)]);
      this.#db
        .prepare("UPDATE snapshots SET dir = ?, size = ?, unflushed_boot = NULL WHERE chain_id = ?")
        .run(dir, size, chainId);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    await rm(join(this.root, row.dir), { recursive: true, force: true });
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
    for (const tmp of this.#scratches) building.add(tmp);
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
    const unflushed = rows.filter((r) => r.unflushed_boot !== null && !doomed.has(r.chain_id));
    const thisBoot = unflushed.filter((r) => r.unflushed_boot === bootId()).map((r) => r.chain_id);
    if (thisBoot.length > 0) {
      // A daemon crash: the files are in the page cache, so one flush makes them durable.
      await runCommand(["sync", "-f", this.root]);
      this.#markFlushed(thisBoot);
    }
    const stale = unflushed.filter((r) => r.unflushed_boot !== bootId()).map((r) => r.chain_id);
    return { removedDirs, removedSnapshots: [...doomed.keys()], stale };
  }

  async #build(
    chainId: string,
    parent: string | null,
    tmp: string,
    fill: FillSnapshot,
  ): Promise<SnapshotInfo> {
    let placed: string | undefined;
    try {
      const { size } = await fill(join(tmp, "fs"));
      const dir = randomBytes(6).toString("hex");
      renameSync(tmp, join(this.root, dir));
      placed = join(this.root, dir);
      const createdAt = Date.now();
      this.#db
        .prepare(
          "INSERT INTO snapshots (chain_id, parent, dir, size, created_at, unflushed_boot) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(chainId, parent, dir, size, createdAt, this.#durable ? bootId() : null);
      // After the rename and the row, so one flush covers the files and the directory entry.
      if (this.#durable) this.#flush.request(chainId);
      return { chainId, parent, path: this.#fsDir(dir), size, createdAt };
    } catch (err) {
      await rm(placed ?? tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** A new tmp-* directory with an empty "fs" inside, mode 0755 unless a layer sets its root's. */
  #newTmp(): string {
    const tmp = mkdtempSync(join(this.root, TMP_PREFIX));
    const fs = join(tmp, "fs");
    mkdirSync(fs);
    chmodSync(fs, 0o755);
    return tmp;
  }

  #markFlushed(chainIds: readonly string[]): void {
    const mark = this.#db.prepare("UPDATE snapshots SET unflushed_boot = NULL WHERE chain_id = ?");
    this.#db.transaction(() => {
      for (const chainId of chainIds) mark.run(chainId);
    })();
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
