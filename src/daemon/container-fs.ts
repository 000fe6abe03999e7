// A container's filesystem as the host sees it, for cp, export and changes: the merged overlay
// (mounted while the container runs; mounted for the duration of the operation when it is
// stopped, then unmounted) plus its volumes and bind mounts, mapped by mount point so a path
// under /data reaches the volume's directory as it would inside the container.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ContainerConfig, HostConfig, MountPoint } from "../api/types/index.ts";
import type { ContainerRecord } from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import { mountOverlay, unmount } from "../snapshot/index.ts";
import type { ContainerRuntime } from "./container-runtime.ts";

type Container = ContainerRecord<ContainerConfig, HostConfig>;

export interface MountedFs {
  /** The merged root filesystem. */
  rootfs: string;
  /** Host path of resolved container path components. */
  hostOf(parts: readonly string[]): string;
  /** The mount a resolved path is on: undefined for the root filesystem. */
  mountOf(parts: readonly string[]): MountPoint | undefined;
  release(): Promise<void>;
}

export class ContainerFs {
  /** Stopped containers mounted by us, with the number of operations using them. */
  private readonly held = new Map<string, { count: number; ready: Promise<void> }>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly images: ImageService,
  ) {}

  async open(c: Container): Promise<MountedFs> {
    const dir = this.runtime.dir(c.id);
    const rootfs = join(dir, "merged");
    let ours = false;
    if (!isMountPoint(rootfs)) {
      ours = true;
      const entry = this.held.get(c.id);
      if (entry) {
        entry.count++;
        await entry.ready;
      } else {
        const ready = this.mount(c, dir, rootfs);
        this.held.set(c.id, { count: 1, ready });
        try {
          await ready;
        } catch (err) {
          this.held.delete(c.id);
          throw err;
        }
      }
    }
    const mounts = this.runtime
      .describe(c)
      .mounts.map((m) => ({ m, parts: m.Destination.split("/").filter(Boolean) }))
      .sort((a, b) => b.parts.length - a.parts.length);
    const find = (parts: readonly string[]): { m: MountPoint; parts: string[] } | undefined =>
      mounts.find((x) => x.parts.length <= parts.length && x.parts.every((p, i) => parts[i] === p));
    let released = false;
    return {
      rootfs,
      hostOf: (parts) => {
        const mount = find(parts);
        if (mount === undefined) return parts.length === 0 ? rootfs : join(rootfs, ...parts);
        const rest = parts.slice(mount.parts.length);
        return rest.length === 0 ? mount.m.Source : join(mount.m.Source, ...rest);
      },
      mountOf: (parts) => find(parts)?.m,
      release: async () => {
        if (released || !ours) return;
        released = true;
        const entry = this.held.get(c.id);
        if (!entry || --entry.count > 0) return;
        this.held.delete(c.id);
        // The container may have been started on this mount meanwhile: then it is its own.
        if (!isRunningOn(c.id, this.runtime)) await unmount(rootfs, { lazy: true }).catch(() => undefined);
      },
    };
  }

  private async mount(c: Container, dir: string, rootfs: string): Promise<void> {
    for (const sub of ["upper", "work", "merged"])
      mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    const image = this.images.resolve(c.imageId);
    const top = image.layers.at(-1)?.chainId;
    const lowerDirs = top === undefined ? [] : this.images.snapshots.lowerDirs(top);
    if (lowerDirs.length === 0) {
      const empty = join(dir, "empty");
      mkdirSync(empty, { recursive: true });
      lowerDirs.push(empty);
    }
    await mountOverlay({
      lowerDirs,
      upperDir: join(dir, "upper"),
      workDir: join(dir, "work"),
      target: rootfs,
    });
  }
}

/** A container started while we held its rootfs has a runtime bundle with a config. */
function isRunningOn(id: string, runtime: ContainerRuntime): boolean {
  return existsSync(join(runtime.bundle(id), "config.json"));
}

export function isMountPoint(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === path);
}
