// The ContainerInspectBackend the API routes call: commit, and (as they land) cp, changes,
// export, stats, update and port. Each verb lives in its own container-*.ts file.
import { join } from "node:path";
import type { ContainerInspectBackend } from "../api/server/index.ts";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import type { ContainerStore } from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import { archivePath, checkExtractDestination, extractArchive, statPath } from "./container-archive.ts";
import { containerChanges } from "./container-changes.ts";
import { commitContainer, mountPointPaths } from "./container-commit.ts";
import { exportRootfs } from "./container-export.ts";
import { StatsSampler } from "./container-stats.ts";
import { ContainerFs } from "./container-fs.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import type { EventLog } from "./event-log.ts";

export interface ContainerInspectDeps {
  store: ContainerStore<ContainerConfig, HostConfig>;
  images: ImageService;
  runtime: ContainerRuntime;
  events: EventLog;
}

export function createContainerInspectBackend(deps: ContainerInspectDeps): ContainerInspectBackend {
  const { store, images, runtime, events } = deps;
  const fs = new ContainerFs(runtime, images);
  const sampler = new StatsSampler();
  /** Runs `fn` on the container's mounted filesystem, releasing it afterwards. */
  const withFs = async <T>(
    ref: string,
    fn: (c: ReturnType<typeof store.resolve>, m: Awaited<ReturnType<ContainerFs["open"]>>) => Promise<T>,
  ): Promise<T> => {
    const c = store.resolve(ref);
    const mounted = await fs.open(c);
    try {
      return await fn(c, mounted);
    } finally {
      await mounted.release();
    }
  };
  return {
    async containerStats(ref, options, send, signal) {
      const c = store.resolve(ref);
      const pid = c.state.Running ? c.state.Pid : 0;
      if (!options.stream || pid <= 0) {
        send(await sampler.once(c.id, c.name, pid, options.oneShot));
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = sampler.watch(c.id, c.name, pid, send);
        const end = (): void => {
          stop();
          resolve();
        };
        if (signal.aborted) end();
        else signal.addEventListener("abort", end, { once: true });
      });
    },
    async containerChanges(ref) {
      const c = store.resolve(ref);
      const top = images.find(c.imageId)?.layers.at(-1)?.chainId;
      const lowerDirs = top === undefined ? [] : images.snapshots.lowerDirs(top);
      return containerChanges(join(runtime.dir(c.id), "upper"), lowerDirs, mountPointPaths(c.hostConfig));
    },
    async exportContainer(ref) {
      const c = store.resolve(ref);
      const mounted = await fs.open(c);
      return { tar: exportRootfs(mounted.rootfs), done: () => mounted.release() };
    },
    statContainerPath: (ref, path) => withFs(ref, (_c, m) => statPath(m, ref, path)),
    async getContainerArchive(ref, path) {
      const c = store.resolve(ref);
      const mounted = await fs.open(c);
      try {
        const { stat, tar } = await archivePath(mounted, ref, path);
        return { stat, tar, done: () => mounted.release() };
      } catch (err) {
        await mounted.release();
        throw err;
      }
    },
    putContainerArchive: (ref, path, options, body) =>
      withFs(ref, async (c, m) => {
        const dest = await checkExtractDestination(m, c, ref, path);
        await extractArchive(m, c, dest, body, options);
      }),
    async commitContainer(options) {
      const result = await commitContainer(
        {
          store,
          images,
          containerDir: (id) => runtime.dir(id),
          pause: (id) => runtime.pause(id),
          resume: (id) => runtime.resume(id),
        },
        options,
      );
      const c = store.get(result.containerId);
      events.publish("container", "commit", result.containerId, {
        ...(c?.config.Labels ?? {}),
        comment: options.comment,
        image: c?.imageName ?? "",
        imageID: result.id,
        imageRef: result.imageRef,
        name: c?.name.slice(1) ?? "",
      });
      return { Id: result.id };
    },
  };
}
