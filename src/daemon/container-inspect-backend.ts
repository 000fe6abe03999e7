// The ContainerInspectBackend the API routes call: commit, and (as they land) cp, changes,
// export, stats, update and port. Each verb lives in its own container-*.ts file.
import type { ContainerInspectBackend } from "../api/server/index.ts";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import type { ContainerStore } from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import { archivePath, checkExtractDestination, extractArchive, statPath } from "./container-archive.ts";
import { commitContainer } from "./container-commit.ts";
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
