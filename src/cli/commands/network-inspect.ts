// berth network inspect: indented JSON array, or a template per network.
import type { Network } from "../../api/types/index.ts";
import { command, INSPECT_FORMAT_FLAG, inspectEach } from "../cli-context.ts";

/**
 * The docker CLI decodes the network into its Go struct before running a template, so
 * {{json .IPAM.Config}} lists network.IPAMConfig's fields in declaration order.
 */
export function typedNetwork(value: unknown): unknown {
  const n = value as Network;
  if (!Array.isArray(n.IPAM?.Config)) return value;
  const config = n.IPAM.Config.map(({ Subnet, IPRange, Gateway, AuxiliaryAddresses, ...rest }) => ({
    ...(Subnet !== undefined && Subnet !== "" && { Subnet }),
    ...(IPRange !== undefined && IPRange !== "" && { IPRange }),
    ...(Gateway !== undefined && Gateway !== "" && { Gateway }),
    ...(AuxiliaryAddresses !== undefined &&
      Object.keys(AuxiliaryAddresses).length > 0 && { AuxiliaryAddresses }),
    ...rest,
  }));
  return { ...n, IPAM: { ...n.IPAM, Config: config } };
}

export const networkInspectCommand = command({
  paths: [["network", "inspect"]],
  spec: {
    path: "berth network inspect",
    usage: "[OPTIONS] NETWORK [NETWORK...]",
    description: "Display detailed information on one or more networks",
    args: { min: 1 },
    flags: {
      format: INSPECT_FORMAT_FLAG,
      verbose: { type: "bool", short: "v", description: "Verbose output for diagnostics" },
    },
  },
  // --verbose only adds swarm service details, which a local engine has none of.
  run: (ctx, flags, args) => inspectEach(ctx, args, (n) => `/networks/${n}`, flags.format, typedNetwork),
});
