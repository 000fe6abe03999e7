// Image configs: OCI config.md plus the fields Docker's image JSON (moby image spec v1.2) adds.
// Both media types (application/vnd.oci.image.config.v1+json and
// application/vnd.docker.container.image.v1+json) parse to this one type. Extra fields are ignored
// ("MUST NOT generate an error"); null means absent (config.md "Properties").
import { parseDigest, type Digest } from "./digest.ts";
import { JsonReader, compact, join, type JsonObject } from "./json-reader.ts";

/** Docker's HEALTHCHECK (durations in nanoseconds, Go time.Duration); OCI reserves the field. */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The execution defaults of an image (config.md `config`), with Docker's container.Config fields. */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  Healthcheck?: HealthConfig;
  // Docker only
  Hostname?: string;
  Domainname?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Image?: string;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild?: string[];
  StopTimeout?: number;
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  /** True when the step changed no files and so has no entry in rootfs.diff_ids. */
  empty_layer?: boolean;
}

export interface RootFs {
  type: "layers";
  diff_ids: Digest[];
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  config?: ImageRunConfig;
  rootfs: RootFs;
  history?: HistoryEntry[];
  // Docker only (moby image spec v1.2 and the legacy v1 fields it keeps)
  id?: string;
  parent?: string;
  comment?: string;
  container?: string;
  container_config?: ImageRunConfig;
  docker_version?: string;
}

/** Generous: real configs are kilobytes, a long history a few hundred. */
export const MAX_CONFIG_BYTES = 8 << 20;

export function parseImageConfig(
  input: Uint8Array | string,
  options: { maxBytes?: number } = {},
): ImageConfig {
  const r = new JsonReader("image config");
  const obj = r.parse(input, options.maxBytes ?? MAX_CONFIG_BYTES);
  const rootfs = rootFs(r, r.object(obj["rootfs"], "rootfs"));
  const history = r
    .optArray(obj, "history", "")
    ?.map((h, i) => historyEntry(r, r.object(h, `history[${i}]`), i));
  // moby image store: more non-empty history steps than layers means the config is inconsistent.
  const steps = history?.filter((h) => h.empty_layer !== true).length ?? 0;
  if (steps > rootfs.diff_ids.length) r.fail("history", "too many non-empty layers in History section");
  const config = r.optObject(obj, "config", "");
  const containerConfig = r.optObject(obj, "container_config", "");
  return compact({
    created: r.optString(obj, "created", ""),
    author: r.optString(obj, "author", ""),
    architecture: r.string(obj, "architecture", ""),
    os: r.string(obj, "os", ""),
    "os.version": r.optString(obj, "os.version", ""),
    "os.features": r.optStringArray(obj, "os.features", ""),
    variant: r.optString(obj, "variant", ""),
    config: config === undefined ? undefined : runConfig(r, config, "config"),
    rootfs,
    history,
    id: r.optString(obj, "id", ""),
    parent: r.optString(obj, "parent", ""),
    comment: r.optString(obj, "comment", ""),
    container: r.optString(obj, "container", ""),
    container_config:
      containerConfig === undefined ? undefined : runConfig(r, containerConfig, "container_config"),
    docker_version: r.optString(obj, "docker_version", ""),
  });
}

function rootFs(r: JsonReader, obj: JsonObject): RootFs {
  // config.md: type "MUST be set to layers"; unknown values MUST be an error.
  const type = r.string(obj, "type", "rootfs");
  if (type !== "layers") r.fail("rootfs.type", `expected "layers", got ${JSON.stringify(type)}`);
  const diffIds = (r.optArray(obj, "diff_ids", "rootfs") ?? []).map((d, i) => {
    const path = `rootfs.diff_ids[${i}]`;
    if (typeof d !== "string") r.fail(path, "expected a digest string");
    try {
      parseDigest(d);
    } catch (err) {
      r.fail(path, err instanceof Error ? err.message : String(err));
    }
    return d;
  });
  return { type, diff_ids: diffIds };
}

function historyEntry(r: JsonReader, obj: JsonObject, i: number): HistoryEntry {
  const path = `history[${i}]`;
  return compact({
    created: r.optString(obj, "created", path),
    author: r.optString(obj, "author", path),
    created_by: r.optString(obj, "created_by", path),
    comment: r.optString(obj, "comment", path),
    empty_layer: r.optBoolean(obj, "empty_layer", path),
  });
}

function runConfig(r: JsonReader, obj: JsonObject, path: string): ImageRunConfig {
  const health = r.optObject(obj, "Healthcheck", path);
  return compact({
    User: r.optString(obj, "User", path),
    ExposedPorts: r.optKeySet(obj, "ExposedPorts", path),
    Env: r.optStringArray(obj, "Env", path),
    Entrypoint: r.optStringArray(obj, "Entrypoint", path),
    Cmd: r.optStringArray(obj, "Cmd", path),
    Volumes: r.optKeySet(obj, "Volumes", path),
    WorkingDir: r.optString(obj, "WorkingDir", path),
    Labels: r.optStringMap(obj, "Labels", path),
    StopSignal: r.optString(obj, "StopSignal", path),
    ArgsEscaped: r.optBoolean(obj, "ArgsEscaped", path),
    Memory: r.optInteger(obj, "Memory", path),
    MemorySwap: r.optInteger(obj, "MemorySwap", path),
    CpuShares: r.optInteger(obj, "CpuShares", path),
    Healthcheck: health === undefined ? undefined : healthConfig(r, health, join(path, "Healthcheck")),
    Hostname: r.optString(obj, "Hostname", path),
    Domainname: r.optString(obj, "Domainname", path),
    AttachStdin: r.optBoolean(obj, "AttachStdin", path),
    AttachStdout: r.optBoolean(obj, "AttachStdout", path),
    AttachStderr: r.optBoolean(obj, "AttachStderr", path),
    Tty: r.optBoolean(obj, "Tty", path),
    OpenStdin: r.optBoolean(obj, "OpenStdin", path),
    StdinOnce: r.optBoolean(obj, "StdinOnce", path),
    Image: r.optString(obj, "Image", path),
    NetworkDisabled: r.optBoolean(obj, "NetworkDisabled", path),
    MacAddress: r.optString(obj, "MacAddress", path),
    OnBuild: r.optStringArray(obj, "OnBuild", path),
    StopTimeout: r.optInteger(obj, "StopTimeout", path),
    Shell: r.optStringArray(obj, "Shell", path),
  });
}

function healthConfig(r: JsonReader, obj: JsonObject, path: string): HealthConfig {
  return compact({
    Test: r.optStringArray(obj, "Test", path),
    Interval: r.optInteger(obj, "Interval", path),
    Timeout: r.optInteger(obj, "Timeout", path),
    StartPeriod: r.optInteger(obj, "StartPeriod", path),
    StartInterval: r.optInteger(obj, "StartInterval", path),
    Retries: r.optInteger(obj, "Retries", path),
  });
}
