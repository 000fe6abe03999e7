// The ContainerBackend the API routes call: the runtime-free verbs (create, list, inspect,
// remove, rename, prune) over the container store, in Docker's wire shapes. Filters follow
// moby's daemon/list.go.
import { cpus } from "node:os";
import type { ContainerBackend, Filters } from "../api/server/index.ts";
import type {
  ContainerInspectResponse,
  ContainerNetworkSettings,
  ContainerSummary,
  MountPoint,
} from "../api/types/index.ts";
import {
  CONTAINER_STATUSES,
  ContainerStore,
  type ContainerStatus,
  containerRemovalInProgress,
  containerRunning,
  invalidContainerConfig,
  isStopped,
  noSuchContainer,
  normalizeContainerName,
  statusText,
} from "../container/index.ts";
import type { ImageService } from "../image/index.ts";
import { invalidArgument } from "../lib/index.ts";
import { changeCounter, type Db } from "../metadata/index.ts";
import { memoByChanges } from "./changes-memo.ts";
import { ContainerListEntry } from "./container-list-entry.ts";
import { extraListFilter } from "./container-list-extra-filters.ts";
import {
  type Containers,
  createContainer,
  type CreateDeps,
  type StoredContainer,
} from "./container-create.ts";
import { type NetworkView, networkSettingsOf, networksOf, summaryPorts } from "./container-network.ts";

export interface RuntimeDescription {
  mounts: MountPoint[];
  resolvConfPath: string;
  hostnamePath: string;
  hostsPath: string;
  logPath: string;
  network?: NetworkView;
}

export interface ContainerBackendDeps {
  db: Db;
  images: ImageService;
  runtime: string;
  /** Defaults to "host" (this project's hosts run cgroup v1 hybrid). */
  cgroupnsMode?: "host" | "private";
  /** A store shared with other verbs (start, stop...); one is opened on `db` otherwise. */
  store?: Containers;
  /**
   * Called before a container's row is deleted (rm, prune): the runtime's hook to kill a running
   * container (`force`) and release its rootfs, logs and monitor. Throwing keeps the row.
   */
  beforeRemove?: (container: StoredContainer, force: boolean) => Promise<void>;
  /** Where the runtime keeps a container's files and mounts, for ps and inspect. */
  describe?: (container: StoredContainer) => RuntimeDescription;
  /** describe() for a whole `docker ps` page: shared lookups done once (falls back to describe). */
  describeList?: (
    containers: readonly StoredContainer[],
  ) => (container: StoredContainer) => RuntimeDescription;
  /** Called once the row is gone: the runtime frees the container's files and tells waiters. */
  afterRemove?: (container: StoredContainer, removeVolumes: boolean) => Promise<void>;
  /** Records NetworkingConfig.EndpointsConfig (--network NAME --ip --network-alias) at create. */
  configureNetworks?: CreateDeps["configureNetworks"];
  forgetNetworks?: CreateDeps["forgetNetworks"];
  /** Bytes the container wrote to its own layer (SizeRw). */
  sizeRw?: (container: StoredContainer) => Promise<number>;
  /** Mount checks and volumes at create (see ContainerMounts). */
  mounts?: CreateDeps["mounts"];
}

export function createContainerBackend(deps: ContainerBackendDeps): ContainerBackend & { store: Containers } {
  const store: Containers = deps.store ?? new ContainerStore(deps.db);
  // moby's SetRemovalInProgress: a second rm of the same container while one runs is refused.
  const removing = new Set<string>();
  const remove = async (c: StoredContainer, force: boolean, removeVolumes = false): Promise<boolean> => {
    if (removing.has(c.id)) throw containerRemovalInProgress(c.name.slice(1));
    removing.add(c.id);
    try {
      await deps.beforeRemove?.(c, force);
      const deleted = store.delete(c.id);
      await deps.afterRemove?.(c, removeVolumes);
      return deleted;
    } finally {
      removing.delete(c.id);
    }
  };
  const createDeps = {
    store,
    images: deps.images,
    runtime: deps.runtime,
    hostCpus: cpus().length,
    cgroupnsMode: deps.cgroupnsMode ?? "host",
    ...(deps.configureNetworks ? { configureNetworks: deps.configureNetworks } : {}),
    ...(deps.forgetNetworks ? { forgetNetworks: deps.forgetNetworks } : {}),
    ...(deps.mounts ? { mounts: deps.mounts } : {}),
  };
  // `docker ps`'s rows, kept until the db changes (changes-memo.ts): every part but Status comes
  // from the db (containers, networks, volumes, images share it). Rows are made on first ask.
  const listing = memoByChanges(changeCounter(deps.db), () => {
    const all = store.list();
    const describe = deps.describeList?.(all) ?? deps.describe;
    const display = imageDisplayMemo(deps.images);
    const entries = new Map<string, ContainerListEntry>();
    const entry = (c: StoredContainer): ContainerListEntry => {
      let e = entries.get(c.id);
      if (!e) {
        e = listEntry(c, describe?.(c), display);
        entries.set(c.id, e);
      }
      return e;
    };
    return { all, entry };
  });
  return {
    store,
    createContainer: (name, request) => createContainer(createDeps, name, request),
    async listContainers(options) {
      const { all, entry } = await listing();
      const predicate = listPredicate(options.filters, all, deps.images);
      const showAll = options.all || options.limit > 0;
      let out = all.filter((c) => (showAll || c.state.Running) && predicate(c));
      if (options.limit > 0) out = out.slice(0, options.limit);
      const now = Date.now();
      const summaries = out.map((c) => entry(c).row(statusText(c.state, now)));
      if (!options.size) return summaries;
      // Sizes are measured per request (the rows are shared and frozen: copies).
      const sized: ContainerSummary[] = [];
      for (const [i, c] of out.entries()) {
        const s = summaries[i];
        if (!s) continue;
        const sizeRw = (await deps.sizeRw?.(c)) ?? 0;
        sized.push({ ...s, SizeRw: sizeRw, SizeRootFs: imageSize(deps.images, c.imageId) });
      }
      return sized;
    },
    async inspectContainer(ref, size) {
      const c = store.resolve(ref);
      const out = toInspect(c, deps.images, size, deps.describe?.(c));
      if (size && deps.sizeRw) out.SizeRw = await deps.sizeRw(c);
      return out;
    },
    async removeContainer(ref, options) {
      const c = store.resolve(ref);
      if (!isStopped(c.state) && !options.force) throw containerRunning(c.name);
      await remove(c, options.force, options.volumes);
    },
    async renameContainer(ref, newName) {
      if (newName === "") throw invalidContainerConfig("Neither old nor new names may be empty");
      const c = store.resolve(ref);
      const stored = normalizeContainerName(newName);
      if (stored === c.name) {
        throw invalidContainerConfig("Renaming a container with the same name as its current name");
      }
      store.rename(c.id, stored);
    },
    async pruneContainers(filters) {
      const matches = prunePredicate(filters);
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const c of store.list()) {
        if (!isStopped(c.state) || !matches(c)) continue;
        if (removing.has(c.id)) continue;
        const size = (await deps.sizeRw?.(c)) ?? 0;
        if (await remove(c, false)) {
          deleted.push(c.id);
          reclaimed += size;
        }
      }
      return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
    },
  };
}

/** Path and Args as moby's getEntrypointAndArgs (an empty --entrypoint "" clears the image's). */
export function pathAndArgs(c: StoredContainer): { path: string; args: string[] } {
  const entrypoint = (c.config.Entrypoint ?? []).filter((s, i) => !(i === 0 && s === ""));
  const cmd = c.config.Cmd ?? [];
  const argv = entrypoint.length > 0 ? [...entrypoint, ...cmd] : cmd;
  return { path: argv[0] ?? "", args: argv.slice(1) };
}

/** moby daemon/list.go: args containing a space are single-quoted. */
function commandOf(c: StoredContainer): string {
  const { path, args } = pathAndArgs(c);
  if (args.length === 0) return path;
  return `${path} ${args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`;
}

function imageSize(images: ImageService, imageId: string): number {
  return images.store.get(imageId)?.size ?? 0;
}

/** One image lookup per image name for a whole list (most containers share a few). */
function imageDisplayMemo(images: ImageService): (c: StoredContainer) => string {
  const current = new Map<string, string | undefined>();
  return (c) => {
    // The image as the user named it while that name still points at the same image, else its ID.
    if (!current.has(c.imageName)) current.set(c.imageName, images.find(c.imageName)?.id);
    return current.get(c.imageName) === c.imageId ? c.imageName : c.imageId;
  };
}

/** A container's `docker ps` row (swagger ContainerSummary) but its Status and sizes. */
function listEntry(
  c: StoredContainer,
  runtime: RuntimeDescription | undefined,
  display: (c: StoredContainer) => string,
): ContainerListEntry {
  return new ContainerListEntry(
    {
      Id: c.id,
      Names: [c.name],
      Image: display(c),
      ImageID: c.imageId,
      Command: commandOf(c),
      Created: Math.floor(Date.parse(c.created) / 1000),
      Ports: summaryPorts(runtime?.network),
      // A copy: the entry is frozen, the record's Config is the store's.
      Labels: { ...c.config.Labels },
      State: c.state.Status,
    },
    {
      HostConfig: { NetworkMode: c.hostConfig.NetworkMode ?? "bridge" },
      NetworkSettings: { Networks: networksOf(c, runtime?.network) },
      Mounts: runtime?.mounts ?? [],
    },
  );
}

function networkSettings(): ContainerNetworkSettings {
  return {
    Bridge: "",
    SandboxID: "",
    SandboxKey: "",
    Ports: {},
    HairpinMode: false,
    LinkLocalIPv6Address: "",
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: "",
    Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    IPAddress: "",
    IPPrefixLen: 0,
    IPv6Gateway: "",
    MacAddress: "",
    Networks: {},
  };
}

function toInspect(
  c: StoredContainer,
  images: ImageService,
  size: boolean,
  runtime: RuntimeDescription | undefined,
): ContainerInspectResponse {
  const { path, args } = pathAndArgs(c);
  const out: ContainerInspectResponse = {
    Id: c.id,
    Created: c.created,
    Path: path,
    Args: args,
    State: { ...c.state },
    Image: c.imageId,
    // Set when the container is first started (moby fills them in at start too).
    ResolvConfPath: runtime?.resolvConfPath ?? "",
    HostnamePath: runtime?.hostnamePath ?? "",
    HostsPath: runtime?.hostsPath ?? "",
    LogPath: runtime?.logPath ?? "",
    Name: c.name,
    RestartCount: c.restartCount,
    Driver: "overlayfs",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: c.hostConfig,
    GraphDriver: { Name: "overlayfs", Data: {} },
    Mounts: runtime?.mounts ?? [],
    Config: c.config,
    NetworkSettings: runtime?.network ? networkSettingsOf(c, runtime.network) : networkSettings(),
  };
  if (size) {
    out.SizeRw = 0;
    out.SizeRootFs = imageSize(images, c.imageId);
  }
  return out;
}

type Predicate = (c: StoredContainer) => boolean;

function regexp(key: string, value: string): RegExp {
  try {
    return new RegExp(value);
  } catch {
    throw invalidArgument("INVALID_FILTER", `invalid filter '${key}=${value}'`);
  }
}

function labelMatch(value: string, labels: Record<string, string>): boolean {
  const eq = value.indexOf("=");
  const key = eq < 0 ? value : value.slice(0, eq);
  return key in labels && (eq < 0 || labels[key] === value.slice(eq + 1));
}

function listPredicate(filters: Filters, all: readonly StoredContainer[], images: ImageService): Predicate {
  const checks: Predicate[] = [];
  // Position in creation order (the store lists newest first), for before/since.
  const order = new Map(all.map((c, i) => [c.id, all.length - i]));
  const positionOf = (ref: string): number => {
    const found =
      all.find((c) => c.id === ref || c.name === `/${ref}` || c.name === ref) ??
      all.filter((c) => c.id.startsWith(ref)).at(0);
    if (!found) throw noSuchContainer(ref); // moby: GetContainer's 404
    return order.get(found.id) ?? 0;
  };
  for (const [key, values] of filters) {
    if (values.length === 0) continue;
    switch (key) {
      case "id": {
        const patterns = values.map((v) => regexp(key, v));
        checks.push((c) => patterns.some((p) => p.test(c.id)));
        break;
      }
      case "name": {
        const patterns = values.map((v) => regexp(key, v));
        checks.push((c) => patterns.some((p) => p.test(c.name)));
        break;
      }
      case "label":
        checks.push((c) => values.every((v) => labelMatch(v, c.config.Labels ?? {})));
        break;
      case "status":
        for (const v of values) {
          if (!CONTAINER_STATUSES.includes(v as ContainerStatus)) {
            throw invalidArgument("INVALID_FILTER", `invalid filter 'status=${v}'`);
          }
        }
        checks.push((c) => values.includes(c.state.Status));
        break;
      case "exited": {
        const codes = values.map((v) => {
          const n = Number(v);
          if (v.trim() === "" || !Number.isInteger(n)) {
            throw invalidArgument("INVALID_FILTER", `invalid filter 'exited=${v}'`);
          }
          return n;
        });
        checks.push((c) => c.state.Status === "exited" && codes.includes(c.state.ExitCode));
        break;
      }
      case "ancestor": {
        const ids = new Set(values.flatMap((v) => images.find(v)?.id ?? []));
        checks.push((c) => ids.has(c.imageId) || values.includes(c.imageName));
        break;
      }
      case "before": {
        const limit = Math.min(...values.map(positionOf));
        checks.push((c) => (order.get(c.id) ?? 0) < limit);
        break;
      }
      case "since": {
        const limit = Math.max(...values.map(positionOf));
        checks.push((c) => (order.get(c.id) ?? 0) > limit);
        break;
      }
      case "health": {
        for (const v of values) {
          if (!["starting", "healthy", "unhealthy", "none"].includes(v)) {
            throw invalidArgument("INVALID_FILTER", `Unrecognised filter value for health: ${v}`);
          }
        }
        checks.push((c) => values.includes(c.state.Health?.Status ?? "none"));
        break;
      }
      default: {
        const extra = extraListFilter(key, values);
        if (extra) checks.push(extra);
      }
    }
  }
  return (c) => checks.every((check) => check(c));
}

function prunePredicate(filters: Filters): Predicate {
  const checks: Predicate[] = [];
  for (const [key, values] of filters) {
    for (const value of values) {
      switch (key) {
        case "label":
          checks.push((c) => labelMatch(value, c.config.Labels ?? {}));
          break;
        case "label!":
          checks.push((c) => !labelMatch(value, c.config.Labels ?? {}));
          break;
        case "until": {
          const t = untilTime(value);
          checks.push((c) => Date.parse(c.created) < t);
          break;
        }
      }
    }
  }
  return (c) => checks.every((check) => check(c));
}

/** `until`: a Unix timestamp, an RFC 3339 date, or a Go duration back from now ("10m", "1h30m"). */
function untilTime(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (duration && value !== "") {
    const [, h = "0", m = "0", s = "0"] = duration;
    return Date.now() - ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidArgument("INVALID_FILTER", `invalid filter 'until=${value}'`);
  return t;
}
