// `docker update` (POST /containers/{id}/update): the merged HostConfig is stored (inspect shows
// it, the next start's spec uses it, the restart policy applies from the next exit) and a
// running or paused container's cgroups change at once through `runc update`, which writes v1
// controllers and the v2 unified files alike. As moby's daemon/update.go: a refusal by the
// runtime restores the old HostConfig and answers "Cannot update container <id>: <reason>".
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import type { ContainerUpdateBackend } from "../api/server/index.ts";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import { type ContainerStore } from "../container/index.ts";
import { isEngineError } from "../lib/index.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import { cannotUpdate, type HostFactsForUpdate, planContainerUpdate } from "./container-update-plan.ts";
import type { EventLog } from "./event-log.ts";
import { containerEventAttributes } from "./container-event-attributes.ts";

export interface ContainerUpdateDeps {
  store: ContainerStore<ContainerConfig, HostConfig>;
  runtime: Pick<ContainerRuntime, "updateResources">;
  events: EventLog;
  host?: HostFactsForUpdate & { memNodes: number };
}

/** What this host's cgroups can limit, read once. */
export function readUpdateHostFacts(): HostFactsForUpdate & { memNodes: number } {
  const v2 = existsSync("/sys/fs/cgroup/cgroup.controllers");
  const controllers = v2 ? readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").split(/\s+/) : [];
  let memNodes = 1;
  try {
    // "0" or "0-3": the highest online NUMA node + 1.
    const online = readFileSync("/sys/devices/system/node/online", "utf8").trim();
    memNodes = Math.max(...online.split(/[,-]/).map(Number)) + 1;
  } catch {
    // no NUMA information: one node
  }
  return {
    cpuCount: cpus().length,
    swapLimit: v2
      ? controllers.includes("memory")
      : existsSync("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"),
    blkioWeight: v2 ? controllers.includes("io") : existsSync("/sys/fs/cgroup/blkio/blkio.weight"),
    memNodes: Number.isFinite(memNodes) && memNodes > 0 ? memNodes : 1,
  };
}

export function createContainerUpdateBackend(deps: ContainerUpdateDeps): ContainerUpdateBackend {
  const { store, runtime, events } = deps;
  const host = deps.host ?? readUpdateHostFacts();
  // One update of a container at a time: each reads the HostConfig the previous one stored.
  const queues = new Map<string, Promise<unknown>>();
  const serialized = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const run = (queues.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return run;
  };
  return {
    updateContainer(ref, request) {
      const id = store.resolve(ref).id;
      return serialized(id, async () => {
        const c = store.resolve(id);
        const plan = planContainerUpdate(c.id, c.hostConfig, request, host, host.memNodes);
        store.setHostConfig(c.id, plan.hostConfig);
        // A stopped (or restarting) container gets the new values from its spec at the next start.
        const now = store.get(c.id);
        if (plan.resources !== undefined && now?.state.Running === true && !now.state.Restarting) {
          try {
            await runtime.updateResources(c.id, plan.resources);
          } catch (err) {
            const gone =
              isEngineError(err) && err.category === "not-found" && !store.get(c.id)?.state.Running;
            if (!gone) {
              if (store.get(c.id)) store.setHostConfig(c.id, c.hostConfig);
              throw cannotUpdate(c.id, (err as Error).message, "internal", err);
            }
          }
        }
        events.publish("container", "update", c.id, containerEventAttributes(c));
        return { Warnings: plan.warnings };
      });
    },
  };
}
