// Create/run flags for healthchecks, --mount, --volumes-from, --device and log drivers, parsed
// as docker/cli does (opts/mount.go, opts.go parseDevice, container/opts.go health checks).
import type { ContainerCreateRequest, DeviceMapping } from "../../api/types/index.ts";
import { type FlagValues, UsageError } from "../flags.ts";
import { parseGoDuration } from "../go-time.ts";
import { ramInBytes } from "../humanize.ts";

const duration = (description: string) =>
  ({
    type: "value",
    valueName: "duration",
    default: 0,
    description,
    parse: (v: string): number => Math.round(parseGoDuration(v)),
  }) as const;

export const EXTRA_CREATE_FLAGS = {
  device: { type: "list", valueName: "list", description: "Add a host device to the container" },
  "health-cmd": { type: "string", description: "Command to run to check health" },
  "health-interval": duration("Time between running the check (ms|s|m|h) (default 0s)"),
  "health-retries": { type: "int", description: "Consecutive failures needed to report unhealthy" },
  "health-start-interval": duration(
    "Time between running the check during the start period (ms|s|m|h) (default 0s)",
  ),
  "health-start-period": duration(
    "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)",
  ),
  "health-timeout": duration("Maximum time to allow one check to run (ms|s|m|h) (default 0s)"),
  "log-driver": { type: "string", description: "Logging driver for the container" },
  "log-opt": { type: "list", valueName: "list", description: "Log driver options" },
  mount: { type: "list", valueName: "mount", description: "Attach a filesystem mount to the container" },
  "no-healthcheck": { type: "bool", description: "Disable any container-specified HEALTHCHECK" },
  "volumes-from": {
    type: "list",
    valueName: "list",
    description: "Mount volumes from the specified container(s)",
  },
} as const;

type ExtraFlags = FlagValues<typeof EXTRA_CREATE_FLAGS>;

const bad = (message: string): UsageError => new UsageError(message, 125);

export function applyExtraFlags(flags: ExtraFlags, request: ContainerCreateRequest): void {
  const hc = (request.HostConfig ??= {});
  const health = {
    Interval: flags["health-interval"],
    Timeout: flags["health-timeout"],
    StartPeriod: flags["health-start-period"],
    StartInterval: flags["health-start-interval"],
    Retries: flags["health-retries"],
  };
  const anyHealth = flags["health-cmd"] !== "" || Object.values(health).some((v) => v !== 0);
  if (flags["no-healthcheck"]) {
    if (anyHealth) throw bad("--no-healthcheck conflicts with --health-* options");
    request.Healthcheck = { Test: ["NONE"] };
  } else if (anyHealth) {
    for (const [flag, key] of [
      ["--health-interval", "Interval"],
      ["--health-timeout", "Timeout"],
      ["--health-start-period", "StartPeriod"],
      ["--health-start-interval", "StartInterval"],
    ] as const) {
      if (health[key] < 0) throw bad(`${flag} cannot be negative`);
    }
    if (health.Retries < 0) throw bad("--health-retries cannot be negative");
    request.Healthcheck = {
      ...(flags["health-cmd"] !== "" ? { Test: ["CMD-SHELL", flags["health-cmd"]] } : {}),
      ...health,
    };
  }
  if (flags.mount.length > 0) hc.Mounts = flags.mount.map(parseMountFlag);
  if (flags["volumes-from"].length > 0) hc.VolumesFrom = flags["volumes-from"];
  if (flags.device.length > 0) hc.Devices = flags.device.map(parseDevice);
  if (flags["log-driver"] !== "" || flags["log-opt"].length > 0) {
    const config: Record<string, string> = {};
    for (const opt of flags["log-opt"]) {
      const eq = opt.indexOf("=");
      if (eq <= 0) throw bad(`invalid key value pair format in driver options`);
      config[opt.slice(0, eq)] = opt.slice(eq + 1);
    }
    hc.LogConfig = { Type: flags["log-driver"], Config: config };
  }
}

const isBool = (v: string): boolean =>
  ["1", "true", "t", "TRUE", "True", "0", "false", "f", "FALSE", "False"].includes(v);
const truthy = (v: string | undefined): boolean =>
  v === undefined || ["1", "true", "t", "TRUE", "True"].includes(v);

/** docker/cli opts.MountOpt.Set: a CSV of key[=value] fields; type defaults to volume. */
export function parseMountFlag(value: string): Record<string, unknown> {
  const mount: Record<string, unknown> = { Type: "volume" };
  const bind: Record<string, unknown> = {};
  const volume: Record<string, unknown> = {};
  const tmpfs: Record<string, unknown> = {};
  const driverOptions: Record<string, string> = {};
  const labels: Record<string, string> = {};
  for (const field of value.split(",")) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    if (val === undefined && !["readonly", "ro", "volume-nocopy", "bind-nonrecursive"].includes(key))
      throw bad(`invalid field '${field}' must be a key=value pair`);
    switch (key) {
      case "type":
        mount.Type = val;
        break;
      case "source":
      case "src":
        mount.Source = val;
        break;
      case "target":
      case "dst":
      case "destination":
        mount.Target = val;
        break;
      case "readonly":
      case "ro":
        if (val !== undefined && !isBool(val)) throw bad(`invalid value for ${key}: ${val}`);
        mount.ReadOnly = truthy(val);
        break;
      case "consistency":
        mount.Consistency = val;
        break;
      case "bind-propagation":
        bind.Propagation = val;
        break;
      case "bind-nonrecursive":
        bind.NonRecursive = truthy(val);
        break;
      case "volume-nocopy":
        volume.NoCopy = truthy(val);
        break;
      case "volume-driver":
        volume.DriverConfig = { Name: val };
        break;
      case "volume-label": {
        const [k = "", ...rest] = (val ?? "").split("=");
        labels[k] = rest.join("=");
        break;
      }
      case "volume-opt": {
        const [k = "", ...rest] = (val ?? "").split("=");
        driverOptions[k] = rest.join("=");
        break;
      }
      case "tmpfs-size":
        tmpfs.SizeBytes = ramInBytes(val ?? "");
        break;
      case "tmpfs-mode": {
        const mode = Number.parseInt(val ?? "", 8);
        if (Number.isNaN(mode)) throw bad(`invalid value for ${key}: ${val}`);
        tmpfs.Mode = mode;
        break;
      }
      default:
        throw bad(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (mount.Type === "") throw bad("type is required");
  if (mount.Target === undefined) throw bad("target is required");
  if (Object.keys(driverOptions).length > 0) {
    volume.DriverConfig = { ...(volume.DriverConfig as object | undefined), Options: driverOptions };
  }
  if (Object.keys(labels).length > 0) volume.Labels = labels;
  if (Object.keys(bind).length > 0) mount.BindOptions = bind;
  if (Object.keys(volume).length > 0) mount.VolumeOptions = volume;
  if (Object.keys(tmpfs).length > 0) mount.TmpfsOptions = tmpfs;
  return mount;
}

const DEVICE_MODE = /^[rwm]{1,3}$/;

/** docker/cli parseDevice: host[:container][:permissions]. */
export function parseDevice(value: string): DeviceMapping {
  const parts = value.split(":");
  const src = parts[0] ?? "";
  let [, dst = "", perms = "rwm"] = parts;
  if (parts.length === 2 && DEVICE_MODE.test(dst)) {
    perms = dst;
    dst = "";
  }
  if (parts.length > 3 || src === "") throw bad(`invalid device specification: ${value}`);
  if (!DEVICE_MODE.test(perms)) throw bad(`invalid device mode: ${perms}`);
  return { PathOnHost: src, PathInContainer: dst || src, CgroupPermissions: perms };
}
