// The composition root: opens the stores under --root, reconciles what a crash may have left,
// wires the API routes to the backends and listens. Returns a handle to shut it all down.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import {
  Router,
  addContainerRoutes,
  addEventRoutes,
  addContainerRunRoutes,
  addContainerInspectRoutes,
  addExecRoutes,
  addContainerResizeRoute,
  addImageRoutes,
  addRegistryRoutes,
  pullRoute,
  addSystemRoutes,
  addVolumeRoutes,
  addNetworkRoutes,
  createApiServer,
  addBuildRoutes,
  addContainerUpdateRoute,
  addContainerAttachWsRoute,
} from "../api/server/index.ts";
import { ContentStore } from "../content/index.ts";
import { ImageService } from "../image/index.ts";
import type { Logger } from "../lib/index.ts";
import { OverlaySnapshotter } from "../snapshot/index.ts";
import { VolumeService } from "../volume/index.ts";
import { type DaemonOptions, socketPathOf } from "./daemon-options.ts";
import { readHostFacts } from "./host-facts.ts";
import { ContainerStore } from "../container/index.ts";
import { NetworkService } from "../network/index.ts";
import { configureNetworks, containerNetns } from "./container-network.ts";
import { createNetworkBackend } from "./network-backend.ts";
import { createContainerBackend } from "./container-backend.ts";
import type { Containers } from "./container-create.ts";
import { ContainerLifecycle } from "./container-lifecycle.ts";
import { HealthMonitor } from "./health-monitor.ts";
import { ContainerMounts } from "./container-mounts.ts";
import { withMountFilters } from "./container-list-filters.ts";
import { createContainerRunBackend } from "./container-run-backend.ts";
import { createContainerInspectBackend } from "./container-inspect-backend.ts";
import { ContainerRuntime, installedInit } from "./container-runtime.ts";
import { runtimeComponents } from "./component-versions.ts";
import { eventFilter } from "./event-filter.ts";
import { EventLog } from "./event-log.ts";
import {
  publishContainerEvents,
  publishImageEvents,
  publishRunEvents,
  publishVolumeEvents,
  publishResizeEvents,
} from "./publish-events.ts";
import { publishStopKillEvents } from "./stop-kill-events.ts";
import { type ContainerExit, resolveBinary } from "../runtime/index.ts";
import { createImageBackend } from "./image-backend.ts";
import { createBuildBackend } from "./build-backend.ts";
import { listenOnSocket } from "./listen-socket.ts";
import { createIdleGc, watchServerActivity } from "./idle-gc.ts";
import { openLockedMetadataDb } from "./root-lock.ts";
import { type SystemFactsInput, systemInfo, systemVersion } from "./system-backend.ts";
import { createVolumeBackend, volumesWithUsage } from "./volume-backend.ts";
import { createRegistryBackend } from "./registry-backend.ts";
import { dirSize } from "../volume/index.ts";
import { ExecService } from "./container-exec.ts";
import { createContainerResizeBackend } from "./container-resize.ts";
import { loadNetworkConfig } from "./network-config.ts";
import { resolveContainerName, runtimeLinks, withLinks } from "./container-links.ts";
import { createContainerUpdateBackend } from "./container-update.ts";
import { containerEventAttributes } from "./container-event-attributes.ts";

export interface RunningDaemon {
  close(): Promise<void>;
}

export async function startDaemon(options: DaemonOptions, log: Logger): Promise<RunningDaemon> {
  const { root, execRoot } = options;
  mkdirSync(root, { recursive: true, mode: 0o711 });
  mkdirSync(execRoot, { recursive: true, mode: 0o711 });

  const db = openLockedMetadataDb(root);
  const pidFile = join(execRoot, "berthd.pid");
  writeFileSync(pidFile, `${process.pid}\n`);

  const content = new ContentStore({ root: join(root, "content") });
  const snapshots = new OverlaySnapshotter({ root: join(root, "overlay"), db });
  const images = new ImageService({ db, content, snapshots, log: log.child({ module: "image" }) });
  await images.reconcile();
  const volumes = new VolumeService({ db, dir: join(root, "volumes"), log: log.child({ module: "volume" }) });
  await volumes.reconcile();

  const facts: SystemFactsInput = {
    engineId: engineId(root),
    root,
    runtime: options.runtime,
    host: readHostFacts(),
    debug: options.logLevel === "debug",
    imageCount: () => images.count(),
    containerCounts: () => {
      const all = containerStore.list();
      const paused = all.filter((c) => c.state.Paused).length;
      return { total: all.length, running: all.filter((c) => c.state.Running).length - paused, paused };
    },
  };
  const router = new Router();
  const events = new EventLog();
  const imageBackend = publishImageEvents(createImageBackend(images), events);
  const components = async () =>
    runtimeComponents({
      monitor: await resolveBinary("conmon"),
      runtime: await resolveBinary(options.runtime),
      init: installedInit(),
    });
  addSystemRoutes(router, {
    version: async () => systemVersion(facts, await components()),
    info: async () => systemInfo(facts, await components()),
    dataUsage: async (types) => {
      const usage = await imageBackend.dataUsage(types);
      if (types.size === 0 || types.has("volume")) usage.Volumes = await volumesWithUsage(volumes);
      if (types.size === 0 || types.has("build-cache")) usage.BuildCache = buildBackend.cacheUsage();
      if (types.size === 0 || types.has("container")) {
        // Every container with the size of its writable layer (docker system df -v).
        usage.Containers = await containerBackend.listContainers({
          all: true,
          size: true,
          limit: -1,
          filters: new Map(),
        });
      }
      return usage;
    },
  });
  const registryBackend = createRegistryBackend({
    images,
    configFile: options.configFile,
    events,
    log: log.child({ module: "registry" }),
  });
  addRegistryRoutes(router, registryBackend);
  addImageRoutes(router, imageBackend, pullRoute(registryBackend));
  addVolumeRoutes(router, publishVolumeEvents(createVolumeBackend(volumes), events));
  addEventRoutes(router, {
    events: (filters, since, until, signal) => events.subscribe(eventFilter(filters), since, until, signal),
  });
  const network = new NetworkService({
    db,
    execRoot,
    bridge: options.bridge,
    bip: options.bip,
    log: log.child({ module: "network" }),
    ...loadNetworkConfig(options.configFile, options),
  });
  await network.init();
  const containerMounts = new ContainerMounts({
    db,
    volumes,
    resolve: (ref) => containerStore.resolve(ref),
    log: log.child({ module: "mounts" }),
  });
  const containerRuntime = new ContainerRuntime({
    network,
    containerNetns: (ref) => containerNetns(containerStore, execRoot, ref),
    mounts: containerMounts,
    volumes,
    root,
    execRoot,
    runtime: options.runtime,
    images,
    log: log.child({ module: "container" }),
    links: (c) => runtimeLinks(containerStore, network)(c),
  });
  const containerStore: Containers = new ContainerStore(db);
  images.containersUsing = (imageId) =>
    containerStore
      .idsUsingImage(imageId)
      .map((id) => ({ id, running: containerStore.get(id)?.state.Running ?? false }));
  const containerBackend = createContainerBackend({
    db,
    images,
    runtime: options.runtime,
    store: containerStore,
    mounts: containerMounts,
    beforeRemove: async (c, force) => {
      if (c.state.Running && force) {
        const exited = lifecycle.nextExit(c.id);
        await lifecycle.kill(c.id, "SIGKILL");
        await exited;
      }
    },
    afterRemove: async (c, removeVolumes) => {
      events.publish("container", "destroy", c.id, { image: c.imageName, name: c.name.slice(1) });
      network.forget(c.id);
      await lifecycle.removed(c.id);
      await containerMounts.removed(c, removeVolumes);
    },
    configureNetworks: (id, mode, endpoints) => configureNetworks(network, id, mode, endpoints),
    forgetNetworks: (id) => network.forget(id),
    describe: (c) => ({ ...containerRuntime.describe(c), network: network.view(c.id) }),
    describeList: () => {
      const views = network.views();
      return (c) => ({ ...containerRuntime.describe(c), network: views(c.id) });
    },
    sizeRw: (c) => dirSize(join(containerRuntime.dir(c.id), "upper")),
  });
  const lifecycle: ContainerLifecycle = new ContainerLifecycle(
    containerStore,
    containerRuntime,
    execRoot,
    options.runtime,
    log.child({ module: "lifecycle" }),
    async (id, startFailed) => {
      // A start that failed produced no output to drain; attached readers end with the client.
      if (!startFailed) await runBackend.attachedDrained(id);
      await containerBackend.removeContainer(id, { force: true, volumes: true }); // --rm takes anonymous volumes
    },
  );
  network.containerName = (id) => containerStore.get(id)?.name.slice(1);
  addNetworkRoutes(router, createNetworkBackend(network, containerStore));
  const runBackend = createContainerRunBackend(containerStore, lifecycle, containerRuntime);
  const health = new HealthMonitor(containerStore, containerRuntime, log.child({ module: "health" }));
  lifecycle.events.on("running", (id: string) => health.started(id));
  lifecycle.events.on("readopted", (id: string) => health.resume(id));
  lifecycle.events.on("unpaused", (id: string) => health.resume(id));
  lifecycle.events.on("paused", (id: string) => health.stopped(id));
  lifecycle.events.on("exit", (id: string) => health.stopped(id));
  health.events.on("status", (id: string, status: string) => {
    const c = containerStore.get(id);
    if (!c) return;
    events.publish("container", `health_status: ${status}`, id, containerEventAttributes(c));
  });
  for (const c of containerStore.list()) {
    try {
      containerMounts.hold(c);
    } catch (err) {
      log.warn("volumes of a container not held", { id: c.id, err });
    }
  }
  await lifecycle.restore();
  await containerRuntime.sweepOrphans(new Set(containerStore.list().map((c) => c.id)));
  // Re-adopted containers use their volumes (and the `type=` mounts left for them) again.
  for (const c of containerStore.list().filter((x) => x.state.Running)) {
    await containerMounts
      .readopt(c)
      .catch((err: unknown) => log.warn("volumes of a re-adopted container", { id: c.id, err }));
  }
  await volumes.dropLeftovers();
  await network.reconcile(
    new Set(
      containerStore
        .list()
        .filter((c) => c.state.Running)
        .map((c) => c.id),
    ),
  );
  lifecycle.events.on("exit", (id: string, exit: ContainerExit) => {
    const c = containerStore.get(id);
    // Labels too, as Docker's: `docker-compose up` follows its containers' die events by label.
    const attributes = c ? containerEventAttributes(c) : {};
    events.publish("container", "die", id, { ...attributes, exitCode: String(exit.exitCode) });
  });
  publishStopKillEvents(lifecycle.events, containerStore, events);
  addContainerRoutes(
    router,
    publishContainerEvents(
      withLinks(withMountFilters(containerBackend), (ref) => resolveContainerName(containerStore, ref)),
      containerStore,
      events,
    ),
  );
  addContainerRunRoutes(router, publishRunEvents(runBackend, containerStore, events));
  addContainerAttachWsRoute(router, publishRunEvents(runBackend, containerStore, events));
  const buildBackend = createBuildBackend({
    root,
    db,
    images,
    // Step containers publish create/start (die and destroy come from the lifecycle) as dockerd's.
    containers: publishContainerEvents(containerBackend, containerStore, events),
    run: publishRunEvents(runBackend, containerStore, events),
    lifecycle,
    runtime: containerRuntime,
    log: log.child({ module: "build" }),
    // FROM pulls a missing base image (anonymously, as the classic builder without auth config).
    pull: (ref, platform, progress) =>
      registryBackend.pullImage({ fromImage: ref, tag: "", platform, auth: undefined }, progress),
  });
  addBuildRoutes(router, buildBackend);
  addContainerInspectRoutes(
    router,
    createContainerInspectBackend({ store: containerStore, images, runtime: containerRuntime, events }),
  );
  const execs = new ExecService({
    store: containerStore,
    runtime: containerRuntime,
    events,
    log: log.child({ module: "exec" }),
  });
  addExecRoutes(router, execs);
  lifecycle.events.on("removed", (id: string) => execs.forgetContainer(id));
  addContainerResizeRoute(
    router,
    publishResizeEvents(
      createContainerResizeBackend(containerStore, (id) => containerRuntime.bundle(id)),
      containerStore,
      events,
    ),
  );
  addContainerUpdateRoute(
    router,
    createContainerUpdateBackend({ store: containerStore, runtime: containerRuntime, events }),
  );

  const server = createApiServer(router, log.child({ module: "api" }));
  watchServerActivity(server, createIdleGc());
  const socketPath = socketPathOf(options.host);
  await listenOnSocket(server, socketPath);
  log.info("berthd started", { root, execRoot, host: options.host, pid: process.pid });

  return {
    async close() {
      await closeServer(server);
      rmSync(socketPath, { force: true });
      rmSync(pidFile, { force: true });
      health.close();
      lifecycle.close();
      await containerRuntime.drain();
      network.close();
      await volumes.close();
      db.close();
      log.info("berthd stopped");
    },
  };
}

/** Stops accepting connections, lets requests in flight finish for a while, then cuts the rest. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(timer);
}

/** A stable engine ID (reported by /info), created on first start. */
function engineId(root: string): string {
  const path = join(root, "engine-id");
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    const id = randomUUID();
    writeFileSync(path, `${id}\n`);
    return id;
  }
}
