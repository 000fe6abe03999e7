// Volumes: metadata (VolumeStore), data directories, mounts of local-driver options and the
// in-memory record of which containers use which volume. Containers call acquire/release; the
// API calls create/get/list/remove/prune.
import { lstat, mkdir, readdir, realpath, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Db } from "../metadata/index.ts";
import { type Logger, Mutex, noSuchVolume, volumeInUse, volumeOptionsConflict } from "../lib/index.ts";
import { mountPointsUnder } from "./mount-info.ts";
import { runTool } from "./run-tool.ts";
import {
  LOCAL_DRIVER,
  generateVolumeName,
  validateDriver,
  validateLocalOptions,
  validateVolumeName,
} from "./volume-name.ts";
import { type VolumeRecord, VolumeStore } from "./volume-store.ts";

/** Docker (API 1.42+) marks volumes created without a name; prune removes only those by default. */
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

export interface VolumeServiceOptions {
  db: Db;
  /** <root>/volumes */
  dir: string;
  log?: Logger;
}

export interface CreateVolumeOptions {
  /** Empty or absent: an anonymous volume with a generated name. */
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

export interface VolumeUsage {
  name: string;
  /** Bytes under _data (each inode counted once). */
  size: number;
  /** Containers using the volume. */
  refCount: number;
}

export interface PruneResult {
  deleted: string[];
  reclaimed: number;
}

export class VolumeService {
  readonly store: VolumeStore;
  readonly dir: string;
  private readonly log: Logger | undefined;
  /** name -> ids of the containers using it. */
  private readonly refs = new Map<string, Set<string>>();
  /** name -> ids of the containers referencing it from create to removal (Docker's volume users). */
  private readonly holders = new Map<string, Set<string>>();
  /** name -> users of its mount (only volumes with a `type` option are mounted). */
  private readonly mounts = new Map<string, number>();
  // Mounting, unmounting and removal of volumes are serialised: they are rare and short.
  private readonly lock = new Mutex();
  /**
   * Volumes whose `type` mount a previous daemon left in place for its running containers (live
   * restore): the first acquire after the start adopts the mount instead of mounting the device
   * again (a second tmpfs would split the data), dropLeftovers() unmounts those nobody adopted.
   */
  private readonly leftover = new Set<string>();

  constructor(options: VolumeServiceOptions) {
    this.store = new VolumeStore(options.db);
    this.dir = options.dir;
    this.log = options.log;
  }

  /** Where a volume's data is, as reported in Mountpoint. */
  mountpoint(name: string): string {
    return join(this.dir, name, "_data");
  }

  /**
   * What a previous daemon left mounted under the volumes dir: volume mounts are kept for
   * re-adopted containers (see `leftover`), anything else is unmounted.
   */
  async reconcile(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o701 });
    const dir = await realpath(this.dir);
    for (const point of await mountPointsUnder(dir)) {
      const name = point.startsWith(`${dir}/`) ? point.slice(dir.length + 1).split("/") : [];
      if (name.length === 2 && name[1] === "_data" && this.store.get(name[0] ?? "")?.options.type) {
        this.leftover.add(name[0] ?? "");
        continue;
      }
      this.log?.info("unmounting stale volume mount", { path: point });
      await runTool("unmount", point, ["umount", point]).catch((err: unknown) =>
        this.log?.warn("stale volume mount stays", { path: point, err }),
      );
    }
  }

  /** Creates a volume, or returns the existing one of that name (Docker's idempotent create). */
  async create(request: CreateVolumeOptions = {}): Promise<VolumeRecord> {
    const driver = request.driver || LOCAL_DRIVER;
    validateDriver(driver);
    const anonymous = !request.name;
    const name = request.name || generateVolumeName();
    validateVolumeName(name);
    const options = { ...request.options };
    validateLocalOptions(options);

    const existing = this.store.get(name);
    if (existing !== undefined) return this.sameOrConflict(existing, options);
    await mkdir(this.mountpoint(name), { recursive: true, mode: 0o755 });
    const { record, created } = this.store.insert({
      name,
      driver,
      labels: anonymous ? { ...request.labels, [ANONYMOUS_LABEL]: "" } : { ...request.labels },
      options,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      anonymous,
    });
    return created ? record : this.sameOrConflict(record, options);
  }

  get(name: string): VolumeRecord {
    const record = this.store.get(name);
    if (record === undefined) throw noSuchVolume(name);
    return record;
  }

  list(): VolumeRecord[] {
    return this.store.list();
  }

  count(): number {
    return this.store.count();
  }

  /** Ids of the containers using the volume. */
  usedBy(name: string): string[] {
    return [...new Set([...(this.holders.get(name) ?? []), ...(this.refs.get(name) ?? [])])];
  }

  /** A container references the volume until it is removed: `volume rm` and prune refuse it. */
  hold(name: string, containerId: string): void {
    const users = this.holders.get(name) ?? new Set<string>();
    users.add(containerId);
    this.holders.set(name, users);
  }

  unhold(name: string, containerId: string): void {
    const users = this.holders.get(name);
    if (users === undefined) return;
    users.delete(containerId);
    if (users.size === 0) this.holders.delete(name);
  }

  /**
   * Removes a volume and its data. A volume in use is refused even with force, as Docker does;
   * force only makes a missing volume no error.
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.lock.run(async () => {
      if (this.store.get(name) === undefined) {
        if (options.force) return;
        throw noSuchVolume(name);
      }
      const users = this.usedBy(name);
      if (users.length > 0) throw volumeInUse(name, users);
      await this.removeData(name);
    });
  }

  /** Removes the unused volumes `matches` selects; reports their names and the bytes freed. */
  async prune(matches: (volume: VolumeRecord) => boolean): Promise<PruneResult> {
    return this.lock.run(async () => {
      const result: PruneResult = { deleted: [], reclaimed: 0 };
      for (const volume of this.store.list()) {
        if (this.usedBy(volume.name).length > 0 || !matches(volume)) continue;
        const size = await dirSize(this.mountpoint(volume.name));
        await this.removeData(volume.name);
        result.deleted.push(volume.name);
        result.reclaimed += size;
      }
      return result;
    });
  }

  /** Records that a container uses the volume and mounts it if it has mount options. */
  async acquire(name: string, containerId: string): Promise<string> {
    this.get(name);
    const users = this.refs.get(name) ?? new Set<string>();
    if (!users.has(containerId)) {
      await this.mountVolume(name);
      users.add(containerId);
      this.refs.set(name, users);
    }
    return this.mountpoint(name);
  }

  /** The container no longer uses the volume; the last user's release unmounts it. */
  async release(name: string, containerId: string): Promise<void> {
    const users = this.refs.get(name);
    if (users === undefined || !users.delete(containerId)) return;
    if (users.size === 0) this.refs.delete(name);
    await this.unmountVolume(name);
  }

  /** Mounts `type`/`device`/`o` on _data for the first user; later users only count. */
  async mountVolume(name: string): Promise<void> {
    await this.lock.run(async () => {
      const { options } = this.get(name);
      const count = this.mounts.get(name) ?? 0;
      if (count === 0 && options.type && this.leftover.delete(name)) {
        this.log?.info("re-adopted volume mount", { volume: name });
      } else if (count === 0 && options.type) {
        const o = options.o ? ["-o", options.o] : [];
        const target = this.mountpoint(name);
        await mkdir(target, { recursive: true, mode: 0o755 });
        await runTool("mount", name, ["mount", "-t", options.type, ...o, options.device ?? "", target]);
      }
      this.mounts.set(name, count + 1);
    });
  }

  async unmountVolume(name: string): Promise<void> {
    await this.lock.run(async () => {
      const count = this.mounts.get(name) ?? 0;
      if (count === 0) return;
      if (count === 1) {
        if (this.store.get(name)?.options.type) {
          await runTool("unmount", name, ["umount", this.mountpoint(name)]);
        }
        this.mounts.delete(name);
      } else {
        this.mounts.set(name, count - 1);
      }
    });
  }

  /**
   * Copies an image's content at the mount path into a volume, as Docker does on first use; only
   * when the volume is still empty. Call after acquire so the copy lands on the mounted device.
   */
  async copyUp(name: string, sourceDir: string): Promise<boolean> {
    const target = this.mountpoint(this.get(name).name);
    if ((await readdir(target)).length > 0) return false;
    // cp -a keeps owners, modes, times, links and xattrs.
    await runTool("copy up", name, ["cp", "-a", `${sourceDir}/.`, `${target}/`]);
    return true;
  }

  /** Size and users of every volume, for /system/df. */
  async usage(): Promise<VolumeUsage[]> {
    const out: VolumeUsage[] = [];
    for (const v of this.store.list()) {
      out.push({
        name: v.name,
        size: await dirSize(this.mountpoint(v.name)),
        refCount: this.usedBy(v.name).length,
      });
    }
    return out;
  }

  /** After the containers' live restore: the left-over mounts no running container re-adopted go. */
  async dropLeftovers(): Promise<void> {
    await this.lock.run(async () => {
      for (const name of this.leftover) {
        await runTool("unmount", name, ["umount", this.mountpoint(name)]).catch((err: unknown) =>
          this.log?.warn("stale volume mount stays", { volume: name, err }),
        );
      }
      this.leftover.clear();
    });
  }

  /**
   * Daemon shutdown. Mounted volumes stay mounted: only running containers hold mounts, and they
   * keep running (live restore); the next daemon adopts the mounts (reconcile) or drops them.
   * Container references are forgotten.
   */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      this.mounts.clear();
      this.refs.clear();
    });
  }

  private sameOrConflict(existing: VolumeRecord, options: Record<string, string>): VolumeRecord {
    // Asking again without options means "that volume"; other options would silently not apply.
    if (Object.keys(options).length > 0 && !sameEntries(existing.options, options)) {
      throw volumeOptionsConflict(existing.name);
    }
    return existing;
  }

  // Row first: a crash after it leaves only an orphan directory, never a row without data.
  private async removeData(name: string): Promise<void> {
    const mounted = this.mounts.has(name) && this.store.get(name)?.options.type;
    if (mounted) await runTool("unmount", name, ["umount", this.mountpoint(name)]);
    this.store.delete(name);
    this.mounts.delete(name);
    await rm(join(this.dir, name), { recursive: true, force: true });
  }
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Bytes of the regular files and links below `dir`, hard links once (Docker's directory.Size). */
export async function dirSize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      const st = await lstat(child).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isDirectory()) {
        await walk(child);
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}
