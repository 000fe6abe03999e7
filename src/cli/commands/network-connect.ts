// berth network connect / disconnect: POST /networks/{id}/connect|disconnect; silent on success.
import type { NetworkConnectRequest, NetworkDisconnectRequest } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { keyValues } from "./volume-create.ts";

/** pflag's stringSlice: each value is a CSV list. */
export function splitSlice(values: readonly string[]): string[] {
  return values.flatMap((v) => (v === "" ? [] : v.split(",")));
}

export const networkConnectCommand = command({
  paths: [["network", "connect"]],
  spec: {
    path: "berth network connect",
    usage: "[OPTIONS] NETWORK CONTAINER",
    description: "Connect a container to a network",
    args: { exact: 2 },
    flags: {
      alias: {
        type: "list",
        valueName: "strings",
        description: "Add network-scoped alias for the container",
      },
      "driver-opt": { type: "list", valueName: "strings", description: "driver options for the network" },
      "gw-priority": {
        type: "int",
        description:
          "Highest gw-priority provides the default gateway. Accepts positive and negative values.",
      },
      ip: { type: "string", description: 'IPv4 address (e.g., "172.30.100.104")' },
      ip6: { type: "string", description: 'IPv6 address (e.g., "2001:db8::33")' },
      link: { type: "list", valueName: "list", description: "Add link to another container" },
      "link-local-ip": {
        type: "list",
        valueName: "strings",
        description: "Add a link-local address for the container",
      },
    },
  },
  async run(ctx, flags, args) {
    const [network = "", container = ""] = args;
    // docker/cli network/connect.go: an EndpointSettings with the flags' values.
    const body: NetworkConnectRequest = {
      Container: container,
      EndpointConfig: {
        IPAMConfig: {
          IPv4Address: flags.ip,
          IPv6Address: flags.ip6,
          LinkLocalIPs: splitSlice(flags["link-local-ip"]),
        },
        Links: flags.link,
        Aliases: splitSlice(flags.alias),
        DriverOpts: keyValues(splitSlice(flags["driver-opt"])),
        GwPriority: flags["gw-priority"],
      },
    };
    await ctx.client.call("POST", `/networks/${encodeURIComponent(network)}/connect`, {
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    return 0;
  },
});

export const networkDisconnectCommand = command({
  paths: [["network", "disconnect"]],
  spec: {
    path: "berth network disconnect",
    usage: "[OPTIONS] NETWORK CONTAINER",
    description: "Disconnect a container from a network",
    args: { exact: 2 },
    flags: {
      force: { type: "bool", short: "f", description: "Force the container to disconnect from a network" },
    },
  },
  async run(ctx, flags, args) {
    const [network = "", container = ""] = args;
    const body: NetworkDisconnectRequest = { Container: container, Force: flags.force };
    await ctx.client.call("POST", `/networks/${encodeURIComponent(network)}/disconnect`, {
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    return 0;
  },
});
