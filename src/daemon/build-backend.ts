// The BuildBackend behind POST /build: wires the builder to the container verbs (create, start,
// attach, wait, remove) as plain function calls, and accounts the build cache for `system df`
// and `builder prune`.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { BuildBackend, ContainerBackend, ContainerRunBackend, Filters } from "../api/server/index.ts";
import type { ContainerCreateRequest } from "../api/types/index.ts";
import type { ImageService } from "../image/index.ts";
import type { Logger } from "../lib/index.ts";
import { BuildCacheStore } from "./build-cache-store.ts";
import type { ContainerLifecycle } from "./container-lifecycle.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import { BUILD_CONTAINER_LABEL, type BuildDeps, buildImage } from "./image-build.ts";
import type { Db } from "../metadata/index.ts";
import { execFileSync, spawnSync } from "node:child_process";

export interface BuildBackendDeps {
  root: string;
  db: Db;
  images: ImageService;
  containers: ContainerBackend;
  run: ContainerRunBackend;
  lifecycle: ContainerLifecycle;
  runtime: ContainerRuntime;
  log: Logger;
  /** Wire the registry client's pull here so FROM pulls missing images (and --pull refreshes). */
  pull?: BuildDeps["pull"];
}

/** Splits docker's 8-byte-header multiplexed stream back into text. */
function demuxer(out: (text: string) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  // One decoder per stream so a UTF-8 character split across frames stays whole.
  const decoders = new Map<number, StringDecoder>();
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const kind = buf[0] ?? 1;
      let decoder = decoders.get(kind);
      if (!decoder) decoders.set(kind, (decoder = new StringDecoder("utf8")));
      const text = decoder.write(buf.subarray(8, 8 + size));
      if (text !== "") out(text);
      buf = buf.subarray(8 + size);
    }
  };
}

export interface BuildCacheUsage {
  ID: string;
  Parent: string;
  Parents: string[];
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string;
  UsageCount: number;
}

export function createBuildBackend(
  deps: BuildBackendDeps,
): BuildBackend & { cacheUsage(): BuildCacheUsage[] } {
  const cache = new BuildCacheStore(deps.db);
  // Step containers of builds a crash interrupted.
  void deps.containers
    .listContainers({
      all: true,
      limit: -1,
      size: false,
      filters: new Map([["label", [BUILD_CONTAINER_LABEL]]]),
    })
    .then(async (list) => {
      for (const c of list) await deps.containers.removeContainer(c.Id, { force: true, volumes: true });
    })
    .catch((err: unknown) => deps.log.warn("build: removing leftover step containers", { err }));
  // Work dirs of builds a crash interrupted; image views still mounted there are detached first
  // (removing through a mount would reach into the image's layers).
  const workPrefix = join(deps.root, "tmp-build-");
  const mounted = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((p) => p.startsWith(workPrefix))
    .sort((a, b) => b.length - a.length);
  let stuck = false;
  for (const target of mounted) {
    if (spawnSync("umount", ["--lazy", target]).status !== 0) stuck = true;
  }
  // Work dirs of builds a crash interrupted.
  for (const name of readdirSync(deps.root)) {
    if (!stuck && name.startsWith("tmp-build-"))
      rmSync(join(deps.root, name), { recursive: true, force: true });
  }
  const mountsDir = join(deps.root, "build-cache-mounts");
  const layerSize = (imageId: string): number => {
    const image = deps.images.find(imageId);
    if (!image) return 0;
    const parent = image.parent ? deps.images.find(image.parent) : undefined;
    const top = image.layers.at(-1);
    if (!top || parent?.layers.at(-1)?.chainId === top.chainId) return 0;
    return deps.images.snapshots.get(top.chainId)?.size ?? 0;
  };
  const dirSize = (dir: string): number => {
    try {
      return Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0] ?? 0);
    } catch {
      return 0;
    }
  };
  const cacheUsage = (): BuildCacheUsage[] => {
    const out: BuildCacheUsage[] = cache.list().map((r) => ({
      ID: r.key.replace(/^sha256:/, "").slice(0, 25),
      Parent: "",
      Parents: [],
      Type: "regular",
      Description: r.description,
      InUse: false,
      Shared: false,
      Size: layerSize(r.imageId),
      CreatedAt: new Date(r.createdAt).toISOString(),
      LastUsedAt: new Date(r.lastUsedAt).toISOString(),
      UsageCount: r.usageCount,
    }));
    if (existsSync(mountsDir)) {
      for (const name of readdirSync(mountsDir)) {
        out.push({
          ID: name.slice(0, 25),
          Parent: "",
          Parents: [],
          Type: "exec.cachemount",
          Description: "cached mount from RUN --mount=type=cache",
          InUse: false,
          Shared: false,
          Size: dirSize(join(mountsDir, name)),
          CreatedAt: new Date().toISOString(),
          LastUsedAt: new Date().toISOString(),
          UsageCount: 1,
        });
      }
    }
    return out;
  };
  return {
    cacheUsage,
    async build(context, request, emit, signal) {
      return buildImage(
        {
          root: deps.root,
          images: deps.images,
          cache,
          log: deps.log,
          ...(deps.pull ? { pull: deps.pull } : {}),
          containers: {
            async create(req) {
              const created = await deps.containers.createContainer("", req as ContainerCreateRequest);
              return created.Id;
            },
            async run(id, output, cancel) {
              const abort = new AbortController();
              // A client that went away stops the step: its container is killed.
              const onCancel = (): void => {
                void deps.lifecycle.kill(id, "SIGKILL").catch(() => undefined);
              };
              cancel?.addEventListener("abort", onCancel, { once: true });
              const exited = deps.lifecycle.nextExit(id);
              const attached = await deps.run.attachOutput(
                id,
                { logs: false, stream: true, stdout: true, stderr: true },
                abort.signal,
              );
              const push = demuxer(output);
              const reading = (async () => {
                for await (const chunk of attached.chunks) push(chunk);
              })();
              try {
                await deps.run.startContainer(id);
              } catch (err) {
                abort.abort();
                await reading.catch(() => undefined);
                throw err;
              }
              if (cancel?.aborted) onCancel();
              const exit = await exited;
              cancel?.removeEventListener("abort", onCancel);
              await reading.catch((err: unknown) => deps.log.debug("build: output", { err }));
              return exit.exitCode;
            },
            upperDir: (id) => join(deps.runtime.dir(id), "upper"),
            remove: (id) => deps.containers.removeContainer(id, { force: true, volumes: true }),
          },
        },
        context,
        request,
        emit,
        signal,
      );
    },
    async pruneBuildCache(all: boolean, filters: Filters) {
      // Cache records carry no labels: a label filter matches none of them.
      if (filters.has("label")) return { CachesDeleted: [], SpaceReclaimed: 0 };
      const before = await deps.images.diskUsage();
      const records = cache.list();
      const deleted: string[] = records.map((r) => r.key.replace(/^sha256:/, "").slice(0, 25));
      cache.delete(records.map((r) => r.key));
      // Intermediate images only the cache kept: untagged, not a parent of another image, unused.
      const ids = new Set(records.map((r) => r.imageId));
      let mountBytes = 0;
      for (;;) {
        const parents = new Set(
          deps.images.store
            .list()
            .map((i) => i.parent)
            .filter(Boolean),
        );
        const doomed = deps.images.store
          .list()
          .filter(
            (i) =>
              ids.has(i.id) &&
              !parents.has(i.id) &&
              deps.images.store.refsOf(i.id).length === 0 &&
              deps.images.containersUsing(i.id).length === 0,
          );
        if (doomed.length === 0) break;
        for (const i of doomed) {
          await deps.images.remove(i.id, false).catch(() => undefined);
          ids.delete(i.id);
        }
      }
      if (existsSync(mountsDir)) {
        for (const name of readdirSync(mountsDir)) {
          mountBytes += dirSize(join(mountsDir, name));
          deleted.push(name.slice(0, 25));
          rmSync(join(mountsDir, name), { recursive: true, force: true });
        }
      }
      void all;
      const after = await deps.images.diskUsage();
      return { CachesDeleted: deleted, SpaceReclaimed: Math.max(0, before - after) + mountBytes };
    },
  };
}
