// Every mount of a container, whatever asked for it: --volumes-from first, then `-v` binds and
// `--mount` entries (which win on the same destination), then anonymous volumes for the image's
// VOLUMEs and `-v /path` not otherwise covered (moby daemon/volumes.go registerMountPoints).
// Create checks them and creates the volumes; start mounts them; inspect describes them; removal
// drops the container's hold and, with `rm -v`, its anonymous volumes.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MountPoint } from "../api/types/index.ts";
import {
  checkDuplicates,
  ContainerVolumeStore,
  type MountRequest,
  mountFromBind,
  parseBind,
  parseMountRequest,
  parseVolumesFrom,
  type PlannedMount,
} from "../container/index.ts";
import { invalidArgument, type Logger } from "../lib/index.ts";
import type { Db } from "../metadata/index.ts";
import type { BindMount } from "../runtime/index.ts";
import { ANONYMOUS_LABEL, type VolumeService } from "../volume/index.ts";
import type { RunnableContainer } from "./container-runtime.ts";

export interface PreparedMounts {
  binds: BindMount[];
  /** --mount type=tmpfs: destination → options, beside --tmpfs. */
  tmpfs: Record<string, string>;
}

export interface ContainerMountsDeps {
  db: Db;
  volumes: VolumeService;
  /** Another container by name or id (for --volumes-from); throws Docker's "No such container". */
  resolve: (ref: string) => RunnableContainer;
  log: Logger;
}

const bindMissing = (source: string): Error =>
  invalidArgument(
    "INVALID_MOUNT_CONFIG",
    `invalid mount config for type "bind": bind source path does not exist: ${source}`,
  );

export class ContainerMounts {
  private readonly anonymous: ContainerVolumeStore;

  constructor(private readonly deps: ContainerMountsDeps) {
    this.anonymous = new ContainerVolumeStore(deps.db);
  }

  /** The mounts the container asked for itself (-v and --mount), checked. */
  private explicit(c: RunnableContainer): PlannedMount[] {
    const binds = (c.hostConfig.Binds ?? []).map((b) => mountFromBind(parseBind(b)));
    const mounts = ((c.hostConfig.Mounts ?? []) as MountRequest[]).map(parseMountRequest);
    const all = [...binds, ...mounts];
    checkDuplicates(all);
    return all;
  }

  /** All mounts, each volume with its name (anonymous ones as recorded at create). */
  plan(c: RunnableContainer, visiting: ReadonlySet<string> = new Set()): PlannedMount[] {
    const byDest = new Map<string, PlannedMount>();
    for (const spec of c.hostConfig.VolumesFrom ?? []) {
      const { container, mode } = parseVolumesFrom(spec);
      let from: RunnableContainer;
      try {
        from = this.deps.resolve(container);
      } catch {
        continue; // removed since: nothing to share any more
      }
      if (from.id === c.id || visiting.has(from.id)) continue;
      for (const m of this.plan(from, new Set([...visiting, c.id]))) {
        if (m.type === "tmpfs") continue;
        const readOnly = mode === undefined ? m.readOnly : mode === "ro";
        byDest.set(m.destination, { ...m, readOnly, mode: mode ?? m.mode, createHostPath: false });
      }
    }
    // Looked up only for containers that have anonymous volumes (`docker ps` plans every one).
    let recorded: Map<string, string> | undefined;
    const anonymous = { get: (dest: string) => (recorded ??= this.anonymous.of(c.id)).get(dest) };
    for (const m of this.explicit(c)) {
      if (m.type === "volume" && m.source === "") {
        const name = anonymous.get(m.destination);
        if (name !== undefined) byDest.set(m.destination, { ...m, source: name });
      } else {
        byDest.set(m.destination, m);
      }
    }
    for (const destination of Object.keys(c.config.Volumes ?? {})) {
      if (byDest.has(destination)) continue;
      const name = anonymous.get(destination);
      if (name !== undefined)
        byDest.set(destination, { type: "volume", source: name, destination, readOnly: false, mode: "" });
    }
    return [...byDest.values()];
  }

  /**
   * At create: refuses bad mounts with Docker's errors, creates named volumes and the anonymous
   * ones, and holds them all for the container. Undone by `discard` if the create fails later.
   */
  async prepareCreate(c: RunnableContainer): Promise<void> {
    const explicit = this.explicit(c);
    for (const spec of c.hostConfig.VolumesFrom ?? []) {
      // moby wraps the lookup as an invalid parameter (400): a 404 would make the CLI pull.
      try {
        this.deps.resolve(parseVolumesFrom(spec).container);
      } catch (err) {
        throw invalidArgument("INVALID_VOLUMES_FROM", err instanceof Error ? err.message : String(err));
      }
    }
    for (const m of explicit) {
      if (m.type === "bind" && !m.createHostPath && !existsSync(m.source)) throw bindMissing(m.source);
    }
    const covered = new Set(explicit.map((m) => m.destination));
    // An anonymous `--mount type=volume` keeps its volume-driver/volume-opt/volume-label, as
    // moby's create of that volume does; the image's VOLUMEs get plain ones.
    const anonymousFor: { destination: string; mount?: (typeof explicit)[number] }[] = [
      ...explicit
        .filter((m) => m.type === "volume" && m.source === "")
        .map((m) => ({ destination: m.destination, mount: m })),
      ...Object.keys(c.config.Volumes ?? {})
        .filter((d) => !covered.has(d))
        .map((destination) => ({ destination })),
    ];
    try {
      for (const m of explicit) {
        if (m.type !== "volume" || m.source === "") continue;
        if (!this.deps.volumes.list().some((v) => v.name === m.source)) {
          await this.deps.volumes.create({
            name: m.source,
            ...(m.volumeDriver ? { driver: m.volumeDriver } : {}),
            ...(m.volumeOptions ? { options: m.volumeOptions } : {}),
            ...(m.volumeLabels ? { labels: m.volumeLabels } : {}),
          });
        }
      }
      for (const { destination, mount: m } of anonymousFor) {
        const volume = await this.deps.volumes.create({
          ...(m?.volumeDriver ? { driver: m.volumeDriver } : {}),
          ...(m?.volumeOptions ? { options: m.volumeOptions } : {}),
          ...(m?.volumeLabels ? { labels: m.volumeLabels } : {}),
        });
        this.anonymous.set(c.id, destination, volume.name);
      }
    } catch (err) {
      await this.discard(c);
      throw err;
    }
    this.hold(c);
  }

  /** Holds the container's volumes (at create, and for every container when the daemon starts). */
  hold(c: RunnableContainer): void {
    for (const name of this.volumeNames(c)) this.deps.volumes.hold(name, c.id);
  }

  /** The create failed after prepareCreate: its anonymous volumes and holds go. */
  async discard(c: RunnableContainer): Promise<void> {
    await this.removed(c, true);
  }

  /** A running container re-adopted at daemon start uses its volumes again (and their mounts). */
  async readopt(c: RunnableContainer): Promise<void> {
    for (const name of this.volumeNames(c)) await this.deps.volumes.acquire(name, c.id);
  }

  /** The container is gone: holds dropped; with `rm -v` (or --rm) its anonymous volumes too. */
  async removed(c: RunnableContainer, removeVolumes: boolean): Promise<void> {
    let names: string[] = [];
    try {
      names = this.volumeNames(c);
    } catch {
      // unparsable mounts never got held
    }
    for (const name of names) this.deps.volumes.unhold(name, c.id);
    if (removeVolumes) {
      for (const name of this.anonymous.of(c.id).values()) {
        const record = this.deps.volumes.list().find((v) => v.name === name);
        if (record === undefined || !(ANONYMOUS_LABEL in record.labels)) continue;
        await this.deps.volumes
          .remove(name)
          .catch((err: unknown) => this.deps.log.warn("anonymous volume kept", { volume: name, err }));
      }
    }
    this.anonymous.deleteAll(c.id);
  }

  /** At start: host dirs, volumes acquired (and filled from the image when new), tmpfs options. */
  async prepareStart(c: RunnableContainer, rootfs: string): Promise<PreparedMounts> {
    const out: PreparedMounts = { binds: [], tmpfs: {} };
    for (const m of this.plan(c)) {
      if (m.type === "tmpfs") {
        out.tmpfs[m.destination] = m.tmpfsOptions ?? "";
        continue;
      }
      let source = m.source;
      if (m.type === "volume") {
        if (!this.deps.volumes.list().some((v) => v.name === m.source)) {
          await this.deps.volumes.create({ name: m.source });
        }
        source = await this.deps.volumes.acquire(m.source, c.id);
        const imageContent = join(rootfs, m.destination);
        if (!m.noCopy && existsSync(imageContent)) await this.deps.volumes.copyUp(m.source, imageContent);
      } else if (!existsSync(source)) {
        if (!m.createHostPath) throw bindMissing(source);
        mkdirSync(source, { recursive: true });
      }
      out.binds.push({
        source,
        destination: m.destination,
        readOnly: m.readOnly,
        ...(m.propagation ? { propagation: m.propagation } : {}),
        ...(m.nonRecursive ? { nonRecursive: true } : {}),
      });
    }
    return out;
  }

  /** inspect's and ps's Mounts. */
  describe(c: RunnableContainer): MountPoint[] {
    let plan: PlannedMount[];
    try {
      plan = this.plan(c);
    } catch {
      return [];
    }
    return plan.map((m): MountPoint => {
      if (m.type === "volume") {
        return {
          Type: "volume",
          Name: m.source,
          Source: this.deps.volumes.mountpoint(m.source),
          Destination: m.destination,
          Driver: m.volumeDriver ?? "local",
          Mode: m.mode,
          RW: !m.readOnly,
          Propagation: "",
        };
      }
      return {
        Type: m.type,
        Source: m.source,
        Destination: m.destination,
        Mode: m.mode,
        RW: !m.readOnly,
        Propagation: m.type === "bind" ? (m.propagation ?? "rprivate") : "",
      };
    });
  }

  private volumeNames(c: RunnableContainer): string[] {
    return this.plan(c)
      .filter((m) => m.type === "volume" && m.source !== "")
      .map((m) => m.source);
  }
}
