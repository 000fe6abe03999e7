// The container's pty size (docker run -it, attach, and on every window change): through
// conmon's winsz fifo. A container without a TTY has nothing to resize (Docker answers 200).
import type { ContainerResizeBackend } from "../api/server/index.ts";
import type { ContainerStore } from "../container/index.ts";
import { conflict } from "../lib/index.ts";
import { resizeContainerTerminal } from "../runtime/index.ts";

export function createContainerResizeBackend(
  store: ContainerStore<{ Tty?: boolean }, unknown>,
  bundle: (id: string) => string,
): ContainerResizeBackend {
  return {
    resizeContainer(ref, height, width) {
      const c = store.resolve(ref);
      if (!c.state.Running) throw conflict("CONTAINER_NOT_RUNNING", `container ${c.id} is not running`);
      if (c.config.Tty === true) resizeContainerTerminal(bundle(c.id), height, width);
      return Promise.resolve();
    },
  };
}
