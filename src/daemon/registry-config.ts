// Registry settings from daemon.json, under dockerd's key names where dockerd has one:
//   "insecure-registries": ["host:port", "10.0.0.0/8"]   plain HTTP allowed (loopback always is)
//   "registry-mirrors": ["https://mirror.example"]       mirrors of docker.io
// and berth's additions:
//   "registry-mirror-map": {"host:port": ["http://127.0.0.1:5001"]}  mirrors of any registry
//   "registry-certs-dir": "/etc/berth/certs.d"           Docker's certs.d layout (<host>/ca.crt)
//   "blocked-registries": ["docker.io"]                  never contacted (air-gapped hosts, tests)
import { readFileSync } from "node:fs";
import { invalidArgument } from "../lib/index.ts";
import type { RegistryHostsConfig } from "../registry/client/index.ts";

export const DEFAULT_CERTS_DIR = "/etc/berth/certs.d";

export function loadRegistryConfig(configFile: string): RegistryHostsConfig {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
  } catch {
    // A missing or broken file is reported by loadDaemonOptions; defaults here.
  }
  return registryConfigOf(parsed, configFile);
}

export function registryConfigOf(o: Record<string, unknown>, source: string): RegistryHostsConfig {
  const strings = (key: string): string[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      throw invalidArgument("CONFIG_FILE", `${source}: "${key}" must be an array of strings`);
    }
    return v;
  };
  const mirrors: Record<string, string[]> = {};
  const hub = strings("registry-mirrors");
  if (hub.length > 0) mirrors["docker.io"] = hub;
  const map = o["registry-mirror-map"];
  if (map !== undefined) {
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
      throw invalidArgument("CONFIG_FILE", `${source}: "registry-mirror-map" must be an object`);
    }
    for (const [host, urls] of Object.entries(map as Record<string, unknown>)) {
      if (!Array.isArray(urls) || !urls.every((x) => typeof x === "string")) {
        throw invalidArgument(
          "CONFIG_FILE",
          `${source}: "registry-mirror-map.${host}" must be an array of strings`,
        );
      }
      mirrors[host] = [...(mirrors[host] ?? []), ...urls];
    }
  }
  const certsDir = o["registry-certs-dir"];
  return {
    insecureRegistries: strings("insecure-registries"),
    mirrors,
    certsDir: typeof certsDir === "string" ? certsDir : DEFAULT_CERTS_DIR,
    blocked: strings("blocked-registries"),
  };
}
