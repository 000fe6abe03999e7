// The ContainerInspectBackend the API routes call: commit, and (as they land) cp, changes,
// export, stats, update and port. Each verb lives in its own container-*.ts file.
import type { ContainerInspectBackend } from "../api/server/index.ts";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import type { ContainerStore } from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import { commitContainer } from "./container-commit.ts";
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
  return {
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
