// Running a container's process: the overlay rootfs from the image's snapshots plus a private
// upper dir, the per-container /etc files, the OCI spec, and conmon + runc to start it; then
// stopping, waiting and cleaning up. The container's stored record is the caller's business.
//
// On disk: <root>/containers/<id>/{upper,work,merged,hostname,hosts,resolv.conf,container.log};
// the OCI bundle (config.json, conmon's attach socket and ctl fifo) in <execRoot>/bundles/<id>.
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ContainerConfig, HostConfig, MountPoint } from "../api/types/index.ts";
import { HEALTH_OUTPUT_MAX, parseBind } from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import type { VolumeService } from "../volume/index.ts";
import type { RuntimeDescription } from "./container-backend.ts";
import { invalidArgument, type Logger, nativeMounts, startStepTimer } from "../lib/index.ts";
import {
  type BindMount,
  type ContainerExit,
  type LogRotator,
  DEFAULT_LOG_MAX_FILES,
  DEFAULT_LOG_MAX_SIZE,
  conmonCtlPath,
  watchLogRotation,
  type HostFacts,
  Runc,
  buildSpec,
  forgetMonitor,
  readRuntimeHostFacts,
  specToJson,
  startContainer,
  waitForExit,
  type ProbeOutcome,
  runProbe,
  listHostDevices,
  readDevice,
  execRootLayout,
} from "../runtime/index.ts";
import { mountOverlay, unmount } from "../snapshot/index.ts";
import type { NetworkService } from "../network/index.ts";
import { logLimits } from "./container-log-config.ts";
import { TrashDir } from "./trash-dir.ts";
import { readUserDb } from "./container-user-db.ts";
import { resolveHostGateway } from "./host-gateway.ts";
import { parseSecurityOpts } from "./security-opt.ts";
import { orphanContainerIds } from "./container-orphans.ts";

/** What running a container needs: its Docker-shaped Config and HostConfig. */
export interface RunnableContainer {
  id: string;
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
}

export interface ContainerRuntimeOptions {
  volumes: VolumeService;
  root: string;
  execRoot: string;
  runtime: string;
  images: ImageService;
  log: Logger;
  /** Container networking (default bridge, ports); without it every container gets lo only. */
  network?: NetworkService;
  /** The network namespace of a running container, for `--network container:<ref>`. */
  containerNetns?: (ref: string) => string;
  /** Every mount kind (--mount, anonymous volumes, --volumes-from); only `-v` binds without it. */
  mounts?: {
    prepareStart(
      c: RunnableContainer,
      rootfs: string,
    ): Promise<{ binds: BindMount[]; tmpfs: Record<string, string> }>;
    describe(c: RunnableContainer): MountPoint[];
  };
  /** Legacy links (`--link`): /etc/hosts entries ("names:ip") and environment; throws if unmet. */
  links?: (c: RunnableContainer) => { hosts: string[]; env: string[] };
}

/** Init binaries Docker users get with --init, in the order they are looked for. */
const INIT_BINARIES = [
  "/usr/bin/tini-static",
  "/usr/bin/tini",
  "/usr/bin/catatonit",
  "/usr/libexec/podman/catatonit",
];

export class ContainerRuntime {
  /** What specs are built for (read once at start). */
  readonly host: HostFacts;
  private readonly runc: Runc;
  /** Containers whose runtime resources are already freed (since their last start). */
  /** Containers whose release() ran or is running, with its completion (remove() awaits it). */
  private readonly released = new Map<string, Promise<void>>();

  /** Removed containers' directories, deleted in the background. */
  private readonly trash: TrashDir;

  constructor(private readonly options: ContainerRuntimeOptions) {
    this.trash = new TrashDir(join(options.root, "trash"), options.log);
    this.host = readRuntimeHostFacts();
    this.runc = new Runc({ runtime: options.runtime, execRoot: options.execRoot });
  }

  dir(id: string): string {
    return join(this.options.root, "containers", id);
  }

  bundle(id: string): string {
    return join(this.options.execRoot, "bundles", id);
  }

  logPath(id: string): string {
    return join(this.dir(id), "container.log");
  }

  /** Where a container's files and mounts are, in inspect's shape (paths exist once started). */
  describe(c: RunnableContainer): RuntimeDescription {
    const dir = this.dir(c.id);
    const mounts =
      this.options.mounts?.describe(c) ??
      (c.hostConfig.Binds ?? []).map((b): MountPoint => {
        const spec = parseBind(b);
        return {
          Type: spec.isVolume ? "volume" : "bind",
          ...(spec.isVolume ? { Name: spec.source, Driver: "local" } : {}),
          Source: spec.isVolume ? this.options.volumes.mountpoint(spec.source) : spec.source,
          Destination: spec.destination,
          Mode: spec.readOnly ? "ro" : "",
          RW: !spec.readOnly,
          Propagation: spec.isVolume ? "" : (spec.propagation ?? "rprivate"),
        };
      });
    // `dir` is already normalized: plain concatenation (join() per path cost `docker ps` 0.7 ms
    // per 100 containers).
    return {
      mounts,
      resolvConfPath: `${dir}/resolv.conf`,
      hostnamePath: `${dir}/hostname`,
      hostsPath: `${dir}/hosts`,
      logPath: `${dir}/container.log`,
    };
  }

  /** Mounts the rootfs, writes the /etc files and the spec, and starts the process. */
  async start(c: RunnableContainer): Promise<{ pid: number }> {
    // The last exit's release may still run (restart right after a kill): its `runc delete` and
    // unmount would hit the new container.
    const timer = startStepTimer(this.options.log, "container start steps", { id: c.id });
    await this.released.get(c.id);
    this.released.delete(c.id);
    timer.step("previousRelease");
    const dir = this.dir(c.id);
    const merged = join(dir, "merged");
    const hostname = c.config.Hostname || c.id.slice(0, 12);
    // The namespace (spawned `unshare … ip` and `ip`) is made while the directories are made and
    // the rootfs is mounted; both are undone by release() if either fails. File system calls are
    // asynchronous here: on a busy disk they would hold up every other request of the daemon.
    const [attached, mounted] = await Promise.allSettled([
      timer.track("network", () => this.attachNetwork(c, hostname)),
      timer.track("mount", async () => {
        await Promise.all(
          [join(dir, "upper"), join(dir, "work"), merged, this.bundle(c.id)].map((d) =>
            mkdir(d, { recursive: true, mode: 0o700 }),
          ),
        );
        await this.mountRootfs(c, merged);
      }),
    ]);
    timer.step("mountAndNetwork");
    try {
      if (mounted.status === "rejected") throw mounted.reason;
      if (attached.status === "rejected") throw attached.reason;
      const net = attached.value;
      const links = this.options.links?.(c) ?? { hosts: [], env: [] };
      const extraHosts = [
        ...resolveHostGateway(c.hostConfig.ExtraHosts ?? [], this.options.network?.defaultNetwork()?.gateway),
        ...links.hosts,
        ...(net?.hostsAddress6 ? [`${hostname}:${net.hostsAddress6}`] : []),
      ];
      await Promise.all([
        writeFile(join(dir, "hostname"), `${hostname}\n`),
        writeFile(join(dir, "hosts"), hostsFile(hostname, extraHosts, net?.hostsAddress)),
        writeFile(join(dir, "resolv.conf"), net?.resolvConf ?? readHostResolvConf()),
      ]);
      const prepared = this.options.mounts
        ? await this.options.mounts.prepareStart(c, merged)
        : { binds: await this.prepareBinds(c, merged), tmpfs: {} };
      timer.step("etcFilesAndMounts");
      const tmpfs = { ...(c.hostConfig.Tmpfs ?? {}), ...prepared.tmpfs };
      const spec = buildSpec({
        id: c.id,
        image: {
          ...(c.config.Env ? { env: c.config.Env } : {}),
          ...(links.env.length > 0 ? { env: [...links.env, ...(c.config.Env ?? [])] } : {}),
          ...(c.config.Cmd ? { cmd: c.config.Cmd } : {}),
          ...(c.config.Entrypoint ? { entrypoint: c.config.Entrypoint } : {}),
          ...(c.config.WorkingDir ? { workingDir: c.config.WorkingDir } : {}),
          ...(c.config.User ? { user: c.config.User } : {}),
        },
        tty: c.config.Tty === true,
        hostname,
        ...(c.config.Domainname ? { domainname: c.config.Domainname } : {}),
        readOnly: c.hostConfig.ReadonlyRootfs === true,
        privileged: c.hostConfig.Privileged === true,
        devices: (c.hostConfig.Devices ?? []).flatMap((d) =>
          readDevice(d.PathOnHost, d.PathInContainer, d.CgroupPermissions),
        ),
        ...(c.hostConfig.Privileged === true ? { hostDevices: listHostDevices() } : {}),
        ...(c.hostConfig.GroupAdd?.length ? { groupAdd: c.hostConfig.GroupAdd } : {}),
        capAdd: c.hostConfig.CapAdd ?? [],
        capDrop: c.hostConfig.CapDrop ?? [],
        ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
        ...(c.hostConfig.ShmSize ? { shmSize: c.hostConfig.ShmSize } : {}),
        ...(c.hostConfig.Sysctls ? { sysctls: c.hostConfig.Sysctls } : {}),
        ulimits: (c.hostConfig.Ulimits ?? []).map((u) => `${u.Name}=${u.Soft}:${u.Hard}`),
        ...parseSecurityOpts(c.hostConfig.SecurityOpt ?? []),
        ...(c.hostConfig.Init ? { init: findInit() } : {}),
        resources: resourcesOf(c.hostConfig),
        network: net?.namespace ?? networkOf(c.hostConfig.NetworkMode),
        rootfs: merged,
        hostsPath: join(dir, "hosts"),
        hostnamePath: join(dir, "hostname"),
        resolvConfPath: join(dir, "resolv.conf"),
        binds: prepared.binds,
        ...readUserDb(merged),
        host: this.host,
      });
      await writeFile(join(this.bundle(c.id), "config.json"), specToJson(spec));
      timer.step("spec");
      const started = await startContainer({
        id: c.id,
        bundle: this.bundle(c.id),
        execRoot: this.options.execRoot,
        runtime: this.options.runtime,
        logPath: this.logPath(c.id),
        terminal: c.config.Tty === true,
        stdin: c.config.OpenStdin === true,
        leaveStdinOpen: c.config.Tty === true || c.config.StdinOnce !== true,
        onStep: (name) => timer.step(name),
        ...(net?.configured ? { beforeStart: () => net.configured ?? Promise.resolve() } : {}),
      });
      timer.done();
      return { pid: started.pid };
    } catch (err) {
      // The namespace's interfaces may still be being configured: let that settle first.
      if (attached.status === "fulfilled") await attached.value?.configured?.catch(() => undefined);
      await this.release(c.id);
      timer.done({ failed: true });
      throw err;
    }
  }

  private async attachNetwork(
    c: RunnableContainer,
    hostname: string,
  ): Promise<
    | {
        namespace: string;
        hostsAddress?: string;
        hostsAddress6?: string;
        resolvConf: string;
        configured?: Promise<void>;
      }
    | undefined
  > {
    const network = this.options.network;
    if (!network) return undefined;
    const mode = c.hostConfig.NetworkMode ?? "";
    const joinNetns = mode.startsWith("container:")
      ? this.options.containerNetns?.(mode.slice(10))
      : undefined;
    // The interfaces are configured while `runc create` runs (awaited before `runc start`),
    // unless sysctls are set: runc writes those in the namespace, after the interfaces as before.
    const early = Object.keys(c.hostConfig.Sysctls ?? {}).length === 0;
    return network.attach(
      {
        id: c.id,
        hostname,
        networkMode: mode,
        portBindings: c.hostConfig.PortBindings ?? undefined,
        exposedPorts: c.config.ExposedPorts ?? undefined,
        publishAll: c.hostConfig.PublishAllPorts === true,
        joinNetns,
      },
      early,
    );
  }

  /** Resolves when the process has exited (conmon's exit file), however long that takes. */
  waitExit(id: string, signal?: AbortSignal): Promise<ContainerExit> {
    return waitForExit(this.options.execRoot, id, signal ? { signal } : {});
  }

  async kill(id: string, signal: string): Promise<void> {
    await this.runc.kill(id, signal);
  }

  pause(id: string): Promise<void> {
    return this.runc.pause(id);
  }

  resume(id: string): Promise<void> {
    return this.runc.resume(id);
  }

  /** Runs a healthcheck probe in the running container (output capped as Docker's 4 KiB). */
  probe(id: string, argv: readonly string[], timeoutMs: number): Promise<ProbeOutcome> {
    return runProbe({
      runtime: this.options.runtime,
      execRoot: this.options.execRoot,
      id,
      bundle: this.bundle(id),
      argv,
      timeoutMs,
      maxOutput: HEALTH_OUTPUT_MAX,
    });
  }

  /** Changes a running container's cgroup limits (`docker update`); `resources` is OCI LinuxResources. */
  async updateResources(id: string, resources: object): Promise<void> {
    const file = join(this.bundle(id), "update-resources.json");
    await writeFile(file, JSON.stringify(resources));
    try {
      await this.runc.update(id, file);
    } finally {
      await rm(file, { force: true });
    }
  }

  pids(id: string): Promise<number[]> {
    return this.runc.pids(id);
  }

  /**
   * Rotates the container's log Docker-style (default 4 files of 64 MiB) while it runs, so a
   * chatty container never fills the disk and nothing written is lost.
   */
  watchLogs(id: string, logConfig?: HostConfig["LogConfig"]): LogRotator {
    // The user's max-size/max-file (checked at create); defaults otherwise. `none` still keeps a
    // bounded file: attached clients read the output from it.
    const limits = logConfig ? logLimits(logConfig) : undefined;
    return watchLogRotation({
      path: this.logPath(id),
      ctlPath: conmonCtlPath(this.bundle(id)),
      maxSize: limits?.maxSize ?? DEFAULT_LOG_MAX_SIZE,
      maxFiles: limits?.maxFiles ?? DEFAULT_LOG_MAX_FILES,
      onError: (err) => this.options.log.warn("log rotation failed", { id, err }),
    });
  }

  /**
   * `-v` entries as bind mounts: host paths (created when missing, as `docker run -v` does) and
   * named volumes (created on first use, mounted, and filled from the image when new and empty).
   */
  private async prepareBinds(c: RunnableContainer, merged: string): Promise<BindMount[]> {
    const binds: BindMount[] = [];
    for (const spec of (c.hostConfig.Binds ?? []).map(parseBind)) {
      let source = spec.source;
      if (spec.isVolume) {
        if (!this.options.volumes.list().some((v) => v.name === spec.source)) {
          await this.options.volumes.create({ name: spec.source });
        }
        source = await this.options.volumes.acquire(spec.source, c.id);
        const imageContent = join(merged, spec.destination);
        if (existsSync(imageContent)) await this.options.volumes.copyUp(spec.source, imageContent);
      } else if (!existsSync(source)) {
        mkdirSync(source, { recursive: true });
      }
      binds.push({
        source,
        destination: spec.destination,
        readOnly: spec.readOnly,
        ...(spec.propagation ? { propagation: spec.propagation } : {}),
      });
    }
    return binds;
  }

  /** After exit: the runtime's state, the rootfs mount and the monitor's files go. */
  release(id: string): Promise<void> {
    const done = this.releaseNow(id);
    this.released.set(
      id,
      done.catch(() => undefined),
    );
    return done;
  }

  private async releaseNow(id: string): Promise<void> {
    const timer = startStepTimer(this.options.log, "container release steps", { id });
    // Started before the first await: a start racing this release waits for it (NetworkService).
    const network = timer.track(
      "network",
      () =>
        this.options.network
          ?.detach(id)
          .catch((err: unknown) => this.options.log.warn("releasing the container's network", { id, err })) ??
        Promise.resolve(),
    );
    await this.releaseVolumes(id);
    timer.step("volumes");
    await this.runc
      .delete(id, true)
      .catch((err: unknown) => this.options.log.debug("runc delete", { id, err }));
    timer.step("runcDelete");
    const merged = join(this.dir(id), "merged");
    if (nativeMounts()) await unmount(merged, { lazy: true, ifMounted: true });
    else if (isMountPoint(merged)) await unmount(merged, { lazy: true });
    await forgetMonitor(this.options.execRoot, id);
    timer.step("unmountAndForget");
    await network;
    timer.step("waitNetwork");
    await rm(this.bundle(id), { recursive: true, force: true });
    timer.done();
  }

  /** The release under way or done since the last start, else a new one. */
  releaseOnce(id: string): Promise<void> {
    return this.released.get(id) ?? this.release(id);
  }

  /** Removals under way (their release may run after the API answered), for drain(). */
  private readonly removing = new Set<Promise<void>>();

  /** Everything of a removed container. */
  remove(id: string): Promise<void> {
    const done = this.removeNow(id);
    const settled = done.catch(() => undefined);
    this.removing.add(settled);
    void settled.then(() => this.removing.delete(settled));
    return done;
  }

  /** The container's volumes let go (the first step of its release, alone). */
  async releaseVolumes(id: string): Promise<void> {
    for (const name of this.options.volumes.list().map((v) => v.name)) {
      await this.options.volumes.release(name, id);
    }
  }

  private async removeNow(id: string): Promise<void> {
    // An exited container was released when its exit was recorded (a --rm one is released
    // here); runc delete costs ~4 ms. A release still running must finish before the files go:
    // removing a directory that is still a mount point fails with EBUSY.
    await this.releaseOnce(id);
    this.released.delete(id);
    this.trash.discard(this.dir(id));
  }

  /**
   * What a killed daemon left of containers whose row is already gone (see container-orphans.ts):
   * released and trashed as a removal would. Called once at start, before serving.
   */
  async sweepOrphans(known: ReadonlySet<string>): Promise<void> {
    const layout = execRootLayout(this.options.execRoot);
    const dirs = [join(this.options.root, "containers"), join(this.options.execRoot, "bundles")];
    dirs.push(layout.monitorDir, layout.exitDir, layout.runcRoot);
    for (const id of await orphanContainerIds(dirs, known)) {
      this.options.log.info("cleaning up after a removed container", { id });
      await this.remove(id).catch((err: unknown) => this.options.log.warn("orphan cleanup", { id, err }));
    }
  }

  /** Resolves when the releases and file deletions running in the background are done (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.released.values(), ...this.removing]);
    await this.trash.drain();
  }

  private async mountRootfs(c: RunnableContainer, merged: string): Promise<void> {
    if (isMountPoint(merged)) return;
    const image = this.options.images.resolve(c.imageId);
    const top = image.layers.at(-1)?.chainId;
    const lowerDirs = top === undefined ? [] : this.options.images.snapshots.lowerDirs(top);
    if (lowerDirs.length === 0) {
      // An image without layers (FROM scratch + metadata): an empty lower dir.
      const empty = join(this.dir(c.id), "empty");
      mkdirSync(empty, { recursive: true });
      lowerDirs.push(empty);
    }
    const dir = this.dir(c.id);
    await mountOverlay({
      lowerDirs,
      upperDir: join(dir, "upper"),
      workDir: join(dir, "work"),
      target: merged,
    });
  }
}

function isMountPoint(path: string): boolean {
  // The rootfs is an overlay (a device of its own): comparing st_dev with the parent's spares
  // reading /proc/self/mountinfo, which grows with every running container.
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

function hostsFile(hostname: string, extra: readonly string[], address = "127.0.1.1"): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    `${address}\t${hostname}`,
  ];
  for (const entry of extra) {
    const sep = entry.indexOf(":");
    if (sep <= 0) throw invalidArgument("INVALID_EXTRA_HOST", `invalid IP address in add-host: "${entry}"`);
    lines.push(`${entry.slice(sep + 1)}\t${entry.slice(0, sep)}`);
  }
  return lines.join("\n") + "\n";
}

/** The host's resolvers; systemd-resolved's stub (127.0.0.53) is useless inside a container. */
function readHostResolvConf(): string {
  for (const path of ["/run/systemd/resolve/resolv.conf", "/etc/resolv.conf"]) {
    try {
      const text = readFileSync(path, "utf8");
      if (path === "/etc/resolv.conf" || !/127\.0\.0\.53/.test(text)) return text;
    } catch {
      // try the next
    }
  }
  return "";
}

/** The init binary --init would use, if one is installed. */
export function installedInit(): string | undefined {
  return INIT_BINARIES.find((p) => existsSync(p));
}

function findInit(): string {
  const found = installedInit();
  if (!found) throw invalidArgument("NO_INIT", "--init needs tini or catatonit installed on the host");
  return found;
}

/** Without a network service attached (or for none): a private namespace, loopback only. */
function networkOf(mode: string | undefined): string {
  if (mode === "host") return "host";
  if (mode === undefined || mode === "" || mode === "default" || mode === "bridge" || mode === "none")
    return "none";
  throw invalidArgument("NETWORK_UNSUPPORTED", `network mode "${mode}" is not supported by this berthd yet`);
}

function resourcesOf(
  h: RunnableContainer["hostConfig"],
): NonNullable<Parameters<typeof buildSpec>[0]["resources"]> {
  return {
    ...(h.Memory ? { memory: h.Memory } : {}),
    ...(h.MemorySwap ? { memorySwap: h.MemorySwap } : {}),
    ...(h.MemoryReservation ? { memoryReservation: h.MemoryReservation } : {}),
    ...(h.NanoCpus ? { nanoCpus: h.NanoCpus } : {}),
    ...(h.CpuShares ? { cpuShares: h.CpuShares } : {}),
    ...(h.CpuQuota ? { cpuQuota: h.CpuQuota } : {}),
    ...(h.CpuPeriod ? { cpuPeriod: h.CpuPeriod } : {}),
    ...(h.CpusetCpus ? { cpusetCpus: h.CpusetCpus } : {}),
    ...(h.CpusetMems ? { cpusetMems: h.CpusetMems } : {}),
    ...(h.PidsLimit ? { pidsLimit: h.PidsLimit } : {}),
    ...(h.OomKillDisable ? { oomKillDisable: true } : {}),
  };
}
