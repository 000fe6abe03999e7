// One busybox daemon per describe(): the before/after pair most integration suites repeat.
import { after, before } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "./busybox.ts";
import type { StartDaemonOptions, TestDaemon } from "./daemon.ts";

export interface UseBusyboxDaemonOptions {
  /** Passed to startDaemon (berthd flags, env, daemon.json). */
  start?: StartDaemonOptions;
  /** `after` runs `docker rm -f` on every container before cleanup() (default true). */
  removeContainers?: boolean;
  /** That removal uses `rm -f -v`, so anonymous volumes go too (default false). */
  volumes?: boolean;
}

/**
 * Registers, in the current describe(), a `before` that starts a daemon with busybox:latest
 * loaded and an `after` that removes its containers (unless told not to) and then cleans it up.
 * Returns the daemon itself for use in later hooks and tests: a stand-in that forwards every
 * property to the daemon once `before` has started it, and throws if touched earlier. Hooks the
 * suite registers after this call run after these ones (node:test keeps registration order),
 * so a suite's own `before` can already use the daemon, and its own `after` runs once the
 * daemon is gone.
 */
export function useBusyboxDaemon(options: UseBusyboxDaemonOptions = {}): TestDaemon {
  let daemon: TestDaemon | undefined;
  before(async () => {
    daemon = await startBusyboxDaemon(options.start);
  });
  after(async () => {
    const started = daemon;
    if (started === undefined) return; // start failed; startBusyboxDaemon cleaned up already
    try {
      if (options.removeContainers ?? true) {
        await removeAllContainers(started, { volumes: options.volumes ?? false });
      }
    } finally {
      // Even when the removal failed (daemon crashed, CLI timeout): no leftovers either way.
      await started.cleanup();
    }
  });
  const current = (): TestDaemon => {
    if (daemon === undefined)
      throw new Error("useBusyboxDaemon: the daemon is used before its before() hook ran");
    return daemon;
  };
  // A Proxy rather than a getter so suites keep writing `daemon.docker(...)`; TestDaemon's
  // members are plain closures and getters (no `this`), so forwarding `get` is all it needs.
  return new Proxy({} as TestDaemon, {
    get: (_target, key) => Reflect.get(current(), key),
    has: (_target, key) => Reflect.has(current(), key),
  });
}
