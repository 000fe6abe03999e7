// berthd's settings: defaults, then /etc/berth/daemon.json (or --config-file), then flags
// (flags win, as dockerd does). Unknown flags and bad values are errors, not warnings.
import { readFileSync } from "node:fs";
import { invalidArgument, isLogLevel, type LogLevel } from "../lib/index.ts";

export interface DaemonOptions {
  host: string;
  root: string;
  execRoot: string;
  logLevel: LogLevel;
  configFile: string;
  runtime: string;
  /** Bridge of the default network (dockerd --bridge) and its gateway address (--bip). */
  bridge: string;
  bip: string;
  /** IPv6 on the default bridge (dockerd --ipv6: "true"/"false", "" = daemon.json's) and its subnet. */
  ipv6: string;
  fixedCidrV6: string;
}

export const DEFAULT_OPTIONS: DaemonOptions = {
  host: "unix:///run/berth/berth.sock",
  root: "/var/lib/berth",
  execRoot: "/run/berth",
  logLevel: "info",
  configFile: "/etc/berth/daemon.json",
  runtime: "runc",
  bridge: "berth0",
  bip: "",
  ipv6: "",
  fixedCidrV6: "",
};

// flag name -> option key; daemon.json uses dockerd's key names (hosts, data-root, exec-root, log-level).
const FLAGS: Record<string, keyof DaemonOptions> = {
  "--host": "host",
  "-H": "host",
  "--root": "root",
  "--data-root": "root",
  "--exec-root": "execRoot",
  "--log-level": "logLevel",
  "-l": "logLevel",
  "--config-file": "configFile",
  "--runtime": "runtime",
  "--bridge": "bridge",
  "-b": "bridge",
  "--bip": "bip",
  "--ipv6": "ipv6",
  "--fixed-cidr-v6": "fixedCidrV6",
};

// Boolean flags: `--ipv6` alone means true, `--ipv6=false` turns it off.
const BOOLEAN_FLAGS = new Set(["--ipv6"]);

const CONFIG_KEYS: Record<string, keyof DaemonOptions> = {
  hosts: "host",
  "data-root": "root",
  "exec-root": "execRoot",
  "log-level": "logLevel",
  "default-runtime": "runtime",
  bridge: "bridge",
  bip: "bip",
};

export const USAGE = `Usage:	berthd [OPTIONS]

A container engine that speaks the Docker Engine API

Options:
  -b, --bridge string        Bridge of the default network (default "berth0")
      --bip string           Gateway address and prefix of the default bridge (default: a free /16)
      --config-file string   Daemon configuration file (default "/etc/berth/daemon.json")
      --data-root string     Alias of --root
      --exec-root string     Root directory for execution state files (default "/run/berth")
      --fixed-cidr-v6 string IPv6 subnet of the default bridge (with --ipv6)
  -H, --host string          Daemon socket to listen on (default "unix:///run/berth/berth.sock")
      --ipv6                 Enable IPv6 on the default bridge
  -l, --log-level string     Set the logging level ("debug"|"info"|"warn"|"error") (default "info")
      --root string          Root directory of persistent state (default "/var/lib/berth")
      --runtime string       OCI runtime (default "runc")
  -v, --version              Print version information and quit
`;

export function parseDaemonArgs(argv: readonly string[]): Partial<DaemonOptions> {
  const out: Partial<DaemonOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS[name];
    if (key === undefined) throw invalidArgument("UNKNOWN_FLAG", `unknown flag: ${name}`);
    if (BOOLEAN_FLAGS.has(name)) {
      const flag = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : "true";
      if (flag !== "true" && flag !== "false") {
        throw invalidArgument("FLAG_VALUE", `invalid boolean value "${flag}" for ${name}`);
      }
      setOption(out, key, flag);
      continue;
    }
    const value = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw invalidArgument("FLAG_NEEDS_VALUE", `flag needs an argument: ${name}`);
    setOption(out, key, value);
  }
  return out;
}

export function loadDaemonOptions(argv: readonly string[]): DaemonOptions {
  const flags = parseDaemonArgs(argv);
  const configFile = flags.configFile ?? DEFAULT_OPTIONS.configFile;
  const fromFile = readConfigFile(configFile, flags.configFile !== undefined);
  return { ...DEFAULT_OPTIONS, ...fromFile, ...flags, configFile };
}

function readConfigFile(path: string, required: boolean): Partial<DaemonOptions> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw invalidArgument("CONFIG_FILE", `cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidArgument("CONFIG_FILE", `invalid JSON in ${path}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidArgument("CONFIG_FILE", `${path}: expected a JSON object`);
  }
  const out: Partial<DaemonOptions> = {};
  for (const [k, v] of Object.entries(parsed)) {
    const key = CONFIG_KEYS[k];
    if (key === undefined) continue; // keys of later features (bip, default-address-pools, ...) are read there
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value !== "string") throw invalidArgument("CONFIG_FILE", `${path}: "${k}" must be a string`);
    setOption(out, key, value);
  }
  return out;
}

function setOption(out: Partial<DaemonOptions>, key: keyof DaemonOptions, value: string): void {
  if (key === "logLevel") {
    if (!isLogLevel(value)) throw invalidArgument("LOG_LEVEL", `invalid log level: ${value}`);
    out.logLevel = value;
  } else if (key === "host") {
    if (!value.startsWith("unix://")) {
      throw invalidArgument("HOST", `only unix:// sockets are supported: ${value}`);
    }
    out.host = value;
  } else {
    out[key] = value;
  }
}

export function socketPathOf(host: string): string {
  return host.slice("unix://".length);
}
