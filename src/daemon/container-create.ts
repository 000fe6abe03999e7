// POST /containers/create: checks what needs no runtime, merges the image's defaults into the
// container's Config as moby's daemon/create.go merge() does, and stores the container under a
// reserved name. Starting it is a separate verb.
import { randomBytes } from "node:crypto";
import { hostname as osHostname } from "node:os";
import type { ContainerConfig, ContainerCreateRequest, HostConfig } from "../api/types/index.ts";
import {
  type ContainerRecord,
  type ContainerStore,
  initialState,
  invalidContainerConfig,
  normalizeCapabilities,
  normalizeContainerName,
  randomContainerName,
  validateCpus,
  validateMemory,
  validateRestartPolicy,
  parseBind,
  validateHealthcheck,
  parseSignal,
  validateCpusets,
  validatePortBindings,
} from "../container/index.ts";
import { EngineError } from "../lib/index.ts";
import type { ImageService } from "../image/index.ts";
import type { ImageRunConfig } from "../oci/index.ts";
import { logLimits } from "./container-log-config.ts";
import { hostCpuset } from "./host-cpuset.ts";
import { parseSecurityOpts } from "./security-opt.ts";

export type StoredContainer = ContainerRecord<ContainerConfig, HostConfig>;
export type Containers = ContainerStore<ContainerConfig, HostConfig>;

export interface CreateDeps {
  store: Containers;
  images: ImageService;
  /** The OCI runtime name recorded in HostConfig.Runtime. */
  runtime: string;
  hostCpus: number;
  /** "host" on cgroup v1 (and hybrid) hosts, "private" on cgroup v2, as Docker defaults. */
  cgroupnsMode: "host" | "private";
  /**
   * The network service's check and record of the container's networks (throws for an unknown
   * network); without it only bridge, host, none and container:<ref> are accepted.
   */
  configureNetworks?: (id: string, networkMode: string, endpoints: Record<string, unknown>) => void;
  /** Forgets what configureNetworks recorded (the create failed after it). */
  forgetNetworks?: (id: string) => void;
  /** Checks mounts and creates/holds the container's volumes; `discard` undoes it. */
  mounts?: {
    prepareCreate(c: StoredContainer): Promise<void>;
    discard(c: StoredContainer): Promise<void>;
  };
}

const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
const RANDOM_NAME_ATTEMPTS = 10;

export async function createContainer(
  deps: CreateDeps,
  name: string,
  request: ContainerCreateRequest,
): Promise<{ Id: string; Warnings: string[] }> {
  const storedName = name === "" ? undefined : normalizeContainerName(name);
  const imageName = request.Image ?? "";
  if (imageName === "") throw invalidContainerConfig("No image specified");
  const image = deps.images.resolve(imageName);
  const imageConfig = (await deps.images.config(image.id)).config ?? {};

  const hostConfig = normalizeHostConfig(
    deps,
    request.HostConfig ?? {},
    deps.configureNetworks !== undefined,
  );
  for (const bind of hostConfig.Binds ?? []) parseBind(bind); // invalid specs fail the create
  validateHealthcheck(request.Healthcheck);
  if (request.StopSignal) parseSignal(request.StopSignal); // moby verifyContainerSettings
  const id = generateId();
  const config = mergeConfig(requestConfig(request), imageConfig);
  config.Image = imageName;
  if (!config.Hostname) {
    config.Hostname = hostConfig.NetworkMode === "host" ? osHostname() : id.slice(0, 12);
  }
  if ((config.Entrypoint ?? []).filter((s) => s !== "").length === 0 && (config.Cmd ?? []).length === 0) {
    throw invalidContainerConfig("no command specified");
  }

  const record: StoredContainer = {
    id,
    name: storedName ?? "",
    imageId: image.id,
    imageName,
    created: nowRfc3339Nano(),
    config: withoutNulls(config),
    hostConfig: withoutNulls(hostConfig),
    state: initialState(),
    labels: config.Labels ?? {},
    restartCount: 0,
  };
  await deps.mounts?.prepareCreate(record);
  try {
    deps.configureNetworks?.(
      record.id,
      hostConfig.NetworkMode ?? "bridge",
      request.NetworkingConfig?.EndpointsConfig ?? {},
    );
  } catch (err) {
    await deps.mounts?.discard(record);
    throw err;
  }
  try {
    insertReservingName(deps.store, record, storedName === undefined);
  } catch (err) {
    deps.forgetNetworks?.(record.id);
    await deps.mounts?.discard(record);
    throw err;
  }
  return { Id: id, Warnings: [] };
}

function insertReservingName(store: Containers, record: StoredContainer, randomName: boolean): void {
  for (let attempt = 0; ; attempt++) {
    if (randomName) record.name = `/${randomContainerName(attempt)}`;
    try {
      if (store.insert(record) === "ok") return;
      record.id = generateId(); // an ID collision: practically never
    } catch (err) {
      const nameTaken = err instanceof EngineError && err.code === "CONTAINER_NAME_IN_USE";
      if (!randomName || !nameTaken || attempt >= RANDOM_NAME_ATTEMPTS) throw err;
    }
  }
}

/** stringid.GenerateRandomID: 64 hex, never with an all-digit short form (it would read as a number). */
export function generateId(): string {
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (!/^\d{12}$/.test(id.slice(0, 12))) return id;
  }
}

/** Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped). */
export function nowRfc3339Nano(): string {
  const nanos = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/**
 * Drops null members: Docker sends some unset lists as null, but the swagger (and so the
 * clients generated from it) declares them non-nullable; absent reads the same to Go clients.
 */
function withoutNulls<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== null)) as T;
}

function requestConfig(request: ContainerCreateRequest): ContainerConfig {
  const { HostConfig: _hc, NetworkingConfig: _nc, ...config } = request;
  return config;
}

/** moby daemon/create.go merge(userConf, imageConf). */
export function mergeConfig(user: ContainerConfig, image: ImageRunConfig): ContainerConfig {
  const out: ContainerConfig = { ...user };
  if (!out.User) out.User = image.User ?? "";
  if (image.ExposedPorts && Object.keys(image.ExposedPorts).length > 0)
    out.ExposedPorts = { ...image.ExposedPorts, ...(out.ExposedPorts ?? {}) };
  if ((out.Env ?? []).length === 0) out.Env = image.Env ?? [];
  else {
    const keys = new Set((out.Env ?? []).map((e) => e.split("=")[0]));
    out.Env = [...(out.Env ?? []), ...(image.Env ?? []).filter((e) => !keys.has(e.split("=")[0]))];
  }
  out.Labels = { ...(image.Labels ?? {}), ...(out.Labels ?? {}) };
  if ((out.Entrypoint ?? []).length === 0) {
    if ((out.Cmd ?? []).length === 0) {
      out.Cmd = image.Cmd ?? null;
      if (image.ArgsEscaped !== undefined) out.ArgsEscaped = image.ArgsEscaped;
    }
    if (out.Entrypoint === undefined || out.Entrypoint === null) out.Entrypoint = image.Entrypoint ?? null;
  }
  if (image.Healthcheck && !out.Healthcheck) out.Healthcheck = image.Healthcheck;
  else if (image.Healthcheck && out.Healthcheck) {
    const h = { ...out.Healthcheck };
    if ((h.Test ?? []).length === 0 && image.Healthcheck.Test) h.Test = image.Healthcheck.Test;
    for (const k of ["Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"] as const) {
      const v = image.Healthcheck[k];
      if (!h[k] && v !== undefined) h[k] = v;
    }
    out.Healthcheck = h;
  }
  if (!out.WorkingDir) out.WorkingDir = image.WorkingDir ?? "";
  if (image.Volumes && Object.keys(image.Volumes).length > 0)
    out.Volumes = { ...image.Volumes, ...(out.Volumes ?? {}) };
  if (!out.StopSignal && image.StopSignal) out.StopSignal = image.StopSignal;
  if (!out.Domainname) out.Domainname = "";
  for (const k of ["AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce"] as const) {
    out[k] = out[k] ?? false;
  }
  return out;
}

/** Checks and fills in HostConfig as moby's verifyContainerSettings + adaptContainerSettings. */
function normalizeHostConfig(deps: CreateDeps, input: HostConfig, namedNetworks = false): HostConfig {
  const hc: HostConfig = { ...input };
  const memory = hc.Memory ?? 0;
  validateMemory({
    memory,
    memorySwap: hc.MemorySwap ?? 0,
    memoryReservation: hc.MemoryReservation ?? 0,
  });
  if (memory > 0 && (hc.MemorySwap ?? 0) === 0) hc.MemorySwap = memory * 2;
  validateCpus({
    nanoCpus: hc.NanoCpus ?? 0,
    cpuPeriod: hc.CpuPeriod ?? 0,
    cpuQuota: hc.CpuQuota ?? 0,
    hostCpus: deps.hostCpus,
  });
  validateCpusets({ cpus: hc.CpusetCpus ?? "", mems: hc.CpusetMems ?? "" }, hostCpuset());
  validatePortBindings(hc.PortBindings);
  parseSecurityOpts(hc.SecurityOpt ?? []); // moby parses them at create: bad ones make no container
  const policy = hc.RestartPolicy ?? { Name: "" };
  validateRestartPolicy(policy.Name ?? "", policy.MaximumRetryCount ?? 0);
  if (policy.Name !== "" && policy.Name !== "no" && hc.AutoRemove) {
    throw invalidContainerConfig("can't create 'AutoRemove' container with restart policy");
  }
  hc.RestartPolicy = { Name: policy.Name || "no", MaximumRetryCount: policy.MaximumRetryCount ?? 0 };
  hc.CapAdd = hc.CapAdd ? normalizeCapabilities("CapAdd", hc.CapAdd) : null;
  hc.CapDrop = hc.CapDrop ? normalizeCapabilities("CapDrop", hc.CapDrop) : null;
  hc.NetworkMode = networkMode(hc.NetworkMode ?? "", namedNetworks);
  if ((hc.ShmSize ?? 0) < 0) throw invalidContainerConfig("SHM size can not be less than 0");
  if (!hc.ShmSize) hc.ShmSize = DEFAULT_SHM_SIZE;
  if (hc.OomScoreAdj !== undefined && (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000)) {
    throw invalidContainerConfig(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  if (hc.Runtime && hc.Runtime !== deps.runtime) {
    throw invalidContainerConfig(`unknown or invalid runtime name: ${hc.Runtime}`);
  }
  hc.Runtime = deps.runtime;
  if (!hc.LogConfig?.Type) hc.LogConfig = { Type: "json-file", Config: hc.LogConfig?.Config ?? {} };
  logLimits(hc.LogConfig); // unknown drivers and options are refused with Docker's words
  if (!hc.IpcMode) hc.IpcMode = "private";
  if (!hc.CgroupnsMode) hc.CgroupnsMode = deps.cgroupnsMode;
  hc.ConsoleSize ??= [0, 0];
  const swappiness = hc.MemorySwappiness ?? -1;
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw invalidContainerConfig(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  // -1 is the docker CLI's "not set".
  if (swappiness === -1) delete hc.MemorySwappiness;
  return hc;
}

/**
 * Only the modes that need no network stack of ours are accepted: host and none, and the default
 * bridge (recorded; networking beyond none/host arrives with the network issue).
 */
function networkMode(mode: string, namedNetworks: boolean): string {
  if (mode === "" || mode === "default" || mode === "bridge") return "bridge";
  if (mode === "host" || mode === "none") return mode;
  if (mode.startsWith("container:") && mode.length > "container:".length) return mode;
  if (namedNetworks) return mode; // checked by configureNetworks
  throw new EngineError("not-found", "NO_SUCH_NETWORK", `network ${mode} not found`);
}
