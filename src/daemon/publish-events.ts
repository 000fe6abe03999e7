// Docker's events for what the backends do: each backend call that succeeds publishes the
// action Docker names (container create/start/kill/die/stop/restart/pause/unpause/rename/
// destroy, attach, resize, image tag/untag/delete/import/load, volume create/destroy).
import type {
  ContainerBackend,
  ContainerResizeBackend,
  ContainerRunBackend,
  ImageBackend,
  VolumeBackend,
} from "../api/server/index.ts";
import { type ContainerStore, parseSignal } from "../container/index.ts";
import type { EventLog } from "./event-log.ts";
import { containerEventAttributes } from "./container-event-attributes.ts";

type Store = ContainerStore<{ Image?: string; Labels?: Record<string, string> | null }, unknown>;

/** name and image of a container, plus its labels: the attributes Docker attaches. */
function containerAttributes(store: Store, ref: string): { id: string; attributes: Record<string, string> } {
  const c = store.resolve(ref);
  return {
    id: c.id,
    attributes: containerEventAttributes(c),
  };
}

export function publishContainerEvents<B extends ContainerBackend>(
  backend: B,
  store: Store,
  log: EventLog,
): B {
  return {
    ...backend,
    async createContainer(name, request) {
      const created = await backend.createContainer(name, request);
      const { id, attributes } = containerAttributes(store, created.Id);
      log.publish("container", "create", id, attributes);
      return created;
    },
    async renameContainer(ref, newName) {
      const before = containerAttributes(store, ref);
      await backend.renameContainer(ref, newName);
      log.publish("container", "rename", before.id, {
        ...containerAttributes(store, before.id).attributes,
        oldName: `/${before.attributes.name}`,
      });
    },
  };
}

export function publishRunEvents<B extends ContainerRunBackend>(backend: B, store: Store, log: EventLog): B {
  const after =
    <A extends unknown[]>(
      action: string,
      call: (ref: string, ...args: A) => Promise<void>,
      extra?: (...args: A) => Record<string, string>,
    ) =>
    async (ref: string, ...args: A): Promise<void> => {
      await call(ref, ...args);
      const { id, attributes } = containerAttributes(store, ref);
      log.publish("container", action, id, { ...attributes, ...extra?.(...args) });
    };
  return {
    ...backend,
    startContainer: after("start", (ref) => backend.startContainer(ref)),
    stopContainer: after("stop", (ref, t: number | undefined, s: string) => backend.stopContainer(ref, t, s)),
    // moby containerRestart: its containerStart logs "start", then "restart" follows.
    restartContainer: after("restart", async (ref, t: number | undefined, s: string) => {
      await backend.restartContainer(ref, t, s);
      const { id, attributes } = containerAttributes(store, ref);
      log.publish("container", "start", id, attributes);
    }),
    killContainer: after(
      "kill",
      (ref, signal: string) => backend.killContainer(ref, signal),
      // moby daemon/kill.go: the attribute is the signal's number ("9", "15").
      (signal) => ({ signal: String(parseSignal(signal)) }),
    ),
    pauseContainer: after("pause", (ref) => backend.pauseContainer(ref)),
    unpauseContainer: after("unpause", (ref) => backend.unpauseContainer(ref)),
    // moby daemon/attach.go: every attach (docker run, start -a, attach, the websocket) is an event.
    async attachOutput(ref, request, signal) {
      const stream = await backend.attachOutput(ref, request, signal);
      const { id, attributes } = containerAttributes(store, ref);
      log.publish("container", "attach", id, attributes);
      return stream;
    },
  };
}

/** moby daemon/resize.go: a container's pty resize is a "resize" event with its height and width. */
export function publishResizeEvents<B extends ContainerResizeBackend>(
  backend: B,
  store: Store,
  log: EventLog,
): B {
  return {
    ...backend,
    async resizeContainer(ref, height, width) {
      await backend.resizeContainer(ref, height, width);
      const { id, attributes } = containerAttributes(store, ref);
      log.publish("container", "resize", id, { ...attributes, height: String(height), width: String(width) });
    },
  };
}

export function publishImageEvents<B extends ImageBackend>(backend: B, log: EventLog): B {
  return {
    ...backend,
    async tagImage(name, repo, tag) {
      await backend.tagImage(name, repo, tag);
      const target = tag === "" ? `${repo}:latest` : `${repo}:${tag}`;
      log.publish("image", "tag", (await backend.inspectImage(target)).Id, { name: target });
    },
    async removeImage(name, force, prune) {
      const items = await backend.removeImage(name, force, prune);
      for (const item of items) {
        if (item.Untagged !== undefined)
          log.publish("image", "untag", item.Untagged, { name: item.Untagged });
        if (item.Deleted !== undefined) log.publish("image", "delete", item.Deleted, { name: item.Deleted });
      }
      return items;
    },
    async loadImages(archive, progress) {
      await backend.loadImages(archive, (msg) => {
        const loaded = /^Loaded image(?: ID)?: (.+)\n$/.exec(msg.stream ?? "")?.[1];
        if (loaded !== undefined) log.publish("image", "load", loaded, { name: loaded });
        progress(msg);
      });
    },
    async importImage(source, options, progress) {
      await backend.importImage(source, options, (msg) => {
        if (msg.status?.startsWith("sha256:"))
          log.publish("image", "import", msg.status, { name: msg.status });
        progress(msg);
      });
    },
  };
}

export function publishVolumeEvents<B extends VolumeBackend>(backend: B, log: EventLog): B {
  return {
    ...backend,
    async createVolume(options) {
      const volume = await backend.createVolume(options);
      log.publish("volume", "create", volume.Name, { driver: volume.Driver });
      return volume;
    },
    async removeVolume(name, force) {
      await backend.removeVolume(name, force);
      log.publish("volume", "destroy", name, { driver: "local" });
    },
  };
}
