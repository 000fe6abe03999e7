// The daemon's glue between containers and the network service: the namespace a
// `container:<ref>` container joins, and NetworkSettings / Ports in the Engine API's shape
// (swagger NetworkSettings, EndpointSettings, Port).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ContainerNetworkSettings } from "../api/types/index.ts";
import { conflict } from "../lib/index.ts";
import type { NetworkService } from "../network/index.ts";
import type { Containers, StoredContainer } from "./container-create.ts";

export type NetworkView = ReturnType<NetworkService["view"]>;

/** create's NetworkMode and EndpointsConfig into the network service (unknown networks: 404). */
export function configureNetworks(
  network: NetworkService,
  id: string,
  mode: string,
  endpoints: Record<string, unknown>,
): void {
  if (!["bridge", "host", "none", "default"].includes(mode) && !mode.startsWith("container:")) {
    network.findNetwork(mode);
  }
  for (const [name, raw] of Object.entries(endpoints)) {
    const e = (raw ?? {}) as {
      IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
      Aliases?: string[] | null;
    };
    network.configure(
      id,
      name,
      e.IPAMConfig?.IPv4Address ?? "",
      e.Aliases ?? [],
      e.IPAMConfig?.IPv6Address ?? "",
    );
  }
}

export function containerNetns(store: Containers, execRoot: string, ref: string): string {
  const target = store.resolve(ref);
  if (!target.state.Running) {
    throw conflict("CONTAINER_NOT_RUNNING", `cannot join network of a non running container: ${target.id}`);
  }
  const own = join(execRoot, "netns", target.id);
  return existsSync(own) ? own : `/proc/${target.state.Pid}/ns/net`;
}

function portsMap(c: StoredContainer, view: NetworkView | undefined): Record<string, unknown> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(c.config.ExposedPorts ?? {})) out[key] = null;
  for (const p of view?.ports ?? []) {
    const key = `${p.containerPort}/${p.proto}`;
    const list = out[key] ?? [];
    list.push({ HostIp: p.hostIp === "" ? "0.0.0.0" : p.hostIp, HostPort: String(p.hostPort) });
    out[key] = list;
  }
  return out;
}

export function networkSettingsOf(
  c: StoredContainer,
  view: NetworkView | undefined,
): ContainerNetworkSettings {
  const networks = networksOf(c, view);
  const first = view?.endpoints[0];
  const isDefault = first?.network.name === "bridge";
  return {
    Bridge: "",
    SandboxID: view?.sandbox ? c.id : "",
    SandboxKey: view?.sandbox ?? "",
    Ports: portsMap(c, view),
    HairpinMode: false,
    LinkLocalIPv6Address: "",
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    // The top-level fields describe the default bridge only (deprecated, as in Docker).
    EndpointID: isDefault ? (first?.endpoint.endpointId ?? "") : "",
    Gateway: isDefault ? (first?.network.gateway ?? "") : "",
    // The default bridge's IPv6 (berthd --ipv6), as dockerd shows it.
    GlobalIPv6Address: isDefault ? (first?.endpoint.ip6 ?? "") : "",
    GlobalIPv6PrefixLen:
      isDefault && first?.endpoint.ip6 ? Number(first.network.subnet6.split("/")[1] ?? 0) : 0,
    IPAddress: isDefault ? (first?.endpoint.ip ?? "") : "",
    IPPrefixLen: isDefault ? (first?.prefixLen ?? 0) : 0,
    IPv6Gateway: isDefault && first?.endpoint.ip6 ? first.network.gateway6 : "",
    MacAddress: isDefault ? (first?.endpoint.mac ?? "") : "",
    Networks: networks,
  };
}

/**
 * NetworkSettings.Networks alone (swagger EndpointSettings per network): all that `docker ps`
 * (ContainerSummary) shows, without the sandbox and port lookups of the full settings.
 */
export function networksOf(c: StoredContainer, view: NetworkView | undefined): Record<string, unknown> {
  const networks: Record<string, unknown> = {};
  const first = view?.endpoints[0];
  for (const e of view?.endpoints ?? []) {
    const ipam = {
      ...(e.configuredIp ? { IPv4Address: e.configuredIp } : {}),
      ...(e.configuredIp6 ? { IPv6Address: e.configuredIp6 } : {}),
    };
    networks[e.network.name] = {
      // The static addresses asked for (`--ip`, `--ip6`), as dockerd shows them.
      IPAMConfig: Object.keys(ipam).length > 0 ? ipam : null,
      // Arrays, never null: the swagger (EndpointSettings) types them so.
      Links: [],
      // API ≥ 1.45: what the client asked for; DNSNames has the name and short id too.
      Aliases: e.configuredAliases,
      MacAddress: e.endpoint.mac,
      DriverOpts: null,
      GwPriority: 0,
      NetworkID: e.network.id,
      EndpointID: e.endpoint.endpointId,
      Gateway: e.network.gateway,
      IPAddress: e.endpoint.ip,
      IPPrefixLen: e.prefixLen,
      IPv6Gateway: e.endpoint.ip6 ? e.network.gateway6 : "",
      GlobalIPv6Address: e.endpoint.ip6,
      GlobalIPv6PrefixLen: e.endpoint.ip6 ? Number(e.network.subnet6.split("/")[1] ?? 0) : 0,
      DNSNames: e.network.builtin ? [] : e.endpoint.aliases,
    };
  }
  const mode = c.hostConfig.NetworkMode ?? "bridge";
  if (!first && (mode === "host" || mode === "none")) networks[mode] = emptyEndpoint();
  if (!first && mode === "bridge") networks.bridge = emptyEndpoint();
  return networks;
}

function emptyEndpoint(): Record<string, unknown> {
  return {
    IPAMConfig: null,
    Links: [],
    Aliases: [],
    MacAddress: "",
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: "",
    EndpointID: "",
    Gateway: "",
    IPAddress: "",
    IPPrefixLen: 0,
    IPv6Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    DNSNames: [],
  };
}

/** ContainerSummary.Ports (swagger Port). */
export function summaryPorts(view: NetworkView | undefined): unknown[] {
  return (view?.ports ?? []).map((p) => ({
    IP: p.hostIp === "" ? "0.0.0.0" : p.hostIp,
    PrivatePort: p.containerPort,
    PublicPort: p.hostPort,
    Type: p.proto,
  }));
}
