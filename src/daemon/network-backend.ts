// The Engine API's network verbs over the network service: Docker's Network shape (swagger
// "Network"/"NetworkSummary"), with the host and none networks listed beside the bridges.
import { createHash } from "node:crypto";
import type { Filters, NetworkBackend, NetworkCreateBody } from "../api/server/index.ts";
import { EngineError, invalidArgument } from "../lib/index.ts";
import type { NetworkRecord, NetworkService } from "../network/index.ts";
import type { Containers } from "./container-create.ts";

interface Listed {
  record?: NetworkRecord;
  id: string;
  name: string;
  driver: string;
  created: string;
}

export function createNetworkBackend(network: NetworkService, containers: Containers): NetworkBackend {
  const all = (): Listed[] => {
    const records = network.networks();
    const def = records.find((r) => r.builtin);
    const synthetic = (name: string): Listed => ({
      id: createHash("sha256")
        .update(`${def?.id ?? ""}/${name}`)
        .digest("hex"),
      name,
      driver: name === "host" ? "host" : "null",
      created: def?.created ?? new Date(0).toISOString(),
    });
    return [
      ...records.map((r) => ({ record: r, id: r.id, name: r.name, driver: "bridge", created: r.created })),
      synthetic("host"),
      synthetic("none"),
    ];
  };
  const find = (ref: string): Listed => {
    const list = all();
    const found =
      list.find((n) => n.id === ref) ??
      list.find((n) => n.name === ref) ??
      list.filter((n) => n.id.startsWith(ref)).at(0);
    if (!found) throw new EngineError("not-found", "NO_SUCH_NETWORK", `network ${ref} not found`);
    return found;
  };
  const shape = (n: Listed): Record<string, unknown> => {
    const r = n.record;
    const members: Record<string, unknown> = {};
    if (r) {
      for (const e of network.store.endpoints(r.id)) {
        const c = containers.get(e.containerId);
        if (!c) continue; // removed; its release (veth, endpoint) is finishing
        members[e.containerId] = {
          Name: c.name.slice(1),
          EndpointID: e.endpointId,
          MacAddress: e.mac,
          IPv4Address: `${e.ip}/${r.subnet.split("/")[1] ?? ""}`,
          IPv6Address: e.ip6 ? `${e.ip6}/${r.subnet6.split("/")[1] ?? ""}` : "",
        };
      }
    }
    return {
      Name: n.name,
      Id: n.id,
      Created: n.created,
      Scope: "local",
      Driver: n.driver,
      EnableIPv4: true,
      EnableIPv6: r !== undefined && r.subnet6 !== "",
      IPAM: {
        Driver: "default",
        Options: null,
        Config: r
          ? [
              { Subnet: r.subnet, Gateway: r.gateway, ...(r.ipRange ? { IPRange: r.ipRange } : {}) },
              ...(r.subnet6 ? [{ Subnet: r.subnet6, Gateway: r.gateway6 }] : []),
            ]
          : [],
      },
      Internal: r?.internal ?? false,
      Attachable: false,
      Ingress: false,
      ConfigFrom: { Network: "" },
      ConfigOnly: false,
      Containers: members,
      Options: r?.options ?? {},
      Labels: r?.labels ?? {},
    };
  };
  const matches = (n: Listed, filters: Filters): boolean => {
    for (const [key, values] of filters) {
      const ok = values.some((v) => {
        if (key === "name") return n.name.includes(v);
        if (key === "id") return n.id.startsWith(v);
        if (key === "driver") return n.driver === v;
        if (key === "scope") return v === "local";
        if (key === "type") {
          if (v !== "custom" && v !== "builtin")
            throw invalidArgument("INVALID_FILTER", `invalid filter: 'type'='${v}'`);
          return (v === "custom") === (n.record !== undefined && !n.record.builtin);
        }
        if (key === "dangling")
          return (
            (n.record ? network.store.endpoints(n.record.id).length === 0 : false) ===
            (v === "true" || v === "1")
          );
        if (key === "label") {
          const [k = "", val] = v.split("=");
          const labels = n.record?.labels ?? {};
          return k in labels && (val === undefined || labels[k] === val);
        }
        return true;
      });
      if (!ok) return false;
    }
    return true;
  };
  return {
    listNetworks: async (filters) =>
      all()
        .filter((n) => matches(n, filters))
        .map(shape),
    inspectNetwork: async (ref) => shape(find(ref)),
    createNetwork: async (body: NetworkCreateBody) => {
      if (body.Driver && body.Driver !== "bridge") {
        throw new EngineError("not-found", "NO_SUCH_DRIVER", `plugin "${body.Driver}" not found`);
      }
      if (all().some((n) => n.name === body.Name)) {
        throw new EngineError("conflict", "NETWORK_EXISTS", `network with name ${body.Name} already exists`);
      }
      const cfg = body.IPAM?.Config?.find((c) => !(c.Subnet ?? "").includes(":"));
      const cfg6 = body.IPAM?.Config?.find((c) => (c.Subnet ?? "").includes(":"));
      const record = await network.createNetwork({
        name: body.Name,
        subnet: cfg?.Subnet,
        gateway: cfg?.Gateway,
        ipRange: cfg?.IPRange,
        internal: body.Internal === true,
        labels: body.Labels ?? {},
        options: body.Options ?? {},
        enableIPv6: body.EnableIPv6 === true,
        subnet6: cfg6?.Subnet,
        gateway6: cfg6?.Gateway,
      });
      return { Id: record.id, Warning: "" };
    },
    removeNetwork: async (ref) => {
      const n = find(ref);
      if (!n.record) {
        throw new EngineError(
          "forbidden",
          "PREDEFINED_NETWORK",
          `${n.name} is a pre-defined network and cannot be removed`,
        );
      }
      await network.removeNetwork(n.id);
    },
    pruneNetworks: async () => {
      await network.detached(); // endpoints of containers just removed (--rm) go first
      const deleted: string[] = [];
      for (const r of network.networks()) {
        if (r.builtin || network.store.endpoints(r.id).length > 0) continue;
        await network.removeNetwork(r.id);
        deleted.push(r.name);
      }
      return { NetworksDeleted: deleted };
    },
    connect: async (ref, body) => {
      const c = containers.resolve(body.Container);
      await network.connect(
        find(ref).id,
        c.id,
        c.state.Running,
        body.EndpointConfig?.IPAMConfig?.IPv4Address ?? "",
        body.EndpointConfig?.Aliases ?? [],
        body.EndpointConfig?.IPAMConfig?.IPv6Address ?? "",
      );
    },
    disconnect: async (ref, body) => {
      const c = containers.resolve(body.Container);
      await network.disconnect(find(ref).id, c.id);
    },
  };
}
