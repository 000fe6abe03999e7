// berth network create: docker/cli network/create.go; prints the new network's ID.
import type { NetworkCreateRequest, NetworkCreateResponse } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { UsageError } from "../flags.ts";
import { consolidateIpam } from "../network-ipam.ts";
import { splitSlice } from "./network-connect.ts";
import { keyValues } from "./volume-create.ts";

export const networkCreateCommand = command({
  paths: [["network", "create"]],
  spec: {
    path: "berth network create",
    usage: "[OPTIONS] NETWORK",
    description: "Create a network",
    args: { exact: 1 },
    flags: {
      attachable: { type: "bool", description: "Enable manual container attachment" },
      "aux-address": {
        type: "list",
        valueName: "map",
        defaultText: "map[]",
        description: "Auxiliary IPv4 or IPv6 addresses used by Network driver",
      },
      "config-from": { type: "string", description: "The network from which to copy the configuration" },
      "config-only": { type: "bool", description: "Create a configuration only network" },
      driver: { type: "string", short: "d", default: "bridge", description: "Driver to manage the Network" },
      gateway: {
        type: "list",
        valueName: "strings",
        description: "IPv4 or IPv6 Gateway for the master subnet",
      },
      ingress: { type: "bool", description: "Create swarm routing-mesh network" },
      internal: { type: "bool", description: "Restrict external access to the network" },
      "ip-range": {
        type: "list",
        valueName: "strings",
        description: "Allocate container ip from a sub-range",
      },
      "ipam-driver": { type: "string", default: "default", description: "IP Address Management Driver" },
      "ipam-opt": {
        type: "list",
        valueName: "map",
        defaultText: "map[]",
        description: "Set IPAM driver specific options",
      },
      ipv4: { type: "bool", default: true, description: "Enable or disable IPv4 address assignment" },
      ipv6: { type: "bool", description: "Enable or disable IPv6 address assignment" },
      label: { type: "list", valueName: "list", description: "Set metadata on a network" },
      opt: {
        type: "list",
        short: "o",
        valueName: "map",
        defaultText: "map[]",
        description: "Set driver specific options",
      },
      scope: { type: "string", description: "Control the network's scope" },
      subnet: {
        type: "list",
        valueName: "strings",
        description: "Subnet in CIDR format that represents a network segment",
      },
    },
  },
  async run(ctx, flags, args) {
    let config;
    try {
      config = consolidateIpam({
        subnets: splitSlice(flags.subnet),
        ranges: splitSlice(flags["ip-range"]),
        gateways: splitSlice(flags.gateway),
        auxAddresses: keyValues(flags["aux-address"]),
      });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err), 1);
    }
    const body: NetworkCreateRequest = {
      Name: args[0] ?? "",
      Driver: flags.driver,
      Options: keyValues(flags.opt),
      IPAM: { Driver: flags["ipam-driver"], Config: config, Options: keyValues(flags["ipam-opt"]) },
      Internal: flags.internal,
      Attachable: flags.attachable,
      Ingress: flags.ingress,
      Scope: flags.scope,
      ConfigOnly: flags["config-only"],
      Labels: keyValues(flags.label),
    };
    // docker sends EnableIPv4/EnableIPv6 only when the flag was given (a nil *bool otherwise);
    // leaving out the daemon's defaults (true, false) has the same meaning.
    if (!flags.ipv4) body.EnableIPv4 = false;
    if (flags.ipv6) body.EnableIPv6 = true;
    if (flags["config-from"] !== "") body.ConfigFrom = { Network: flags["config-from"] };
    const res = await ctx.client.json<NetworkCreateResponse>("POST", "/networks/create", {
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    if (res.Warning) ctx.stderr.write(`${res.Warning}\n`);
    ctx.stdout.write(`${res.Id}\n`);
    return 0;
  },
});
