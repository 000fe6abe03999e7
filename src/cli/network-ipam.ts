// docker/cli network/create.go consolidateIpam: pairs each --ip-range, --gateway and
// --aux-address with the --subnet that contains it, with docker's messages for what does not fit.
import { BlockList, isIPv4, isIPv6 } from "node:net";
import type { NetworkIPAMConfig } from "../api/types/index.ts";

interface Cidr {
  text: string;
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefix = Number(text.slice(slash + 1));
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  const max = family === "ipv4" ? 32 : 128;
  if (slash < 0 || family === undefined || !/^\d+$/.test(text.slice(slash + 1)) || prefix > max) {
    throw new Error(`invalid CIDR address: ${text}`);
  }
  return { text, address, prefix, family };
}

function contains(net: Cidr, address: string): boolean {
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  if (family !== net.family) return false;
  const list = new BlockList();
  list.addSubnet(net.address, net.prefix, net.family);
  return list.check(address, family);
}

export interface IpamFlags {
  subnets: readonly string[];
  ranges: readonly string[];
  gateways: readonly string[];
  auxAddresses: Readonly<Record<string, string>>;
}

/** The IPAM Config list for the create request; throws docker's error text. */
export function consolidateIpam({ subnets, ranges, gateways, auxAddresses }: IpamFlags): NetworkIPAMConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) {
    throw new Error("every ip-range or gateway must have a corresponding subnet");
  }
  const configs: { net: Cidr; cfg: NetworkIPAMConfig }[] = [];
  for (const s of subnets) {
    const net = parseCidr(s);
    for (const other of configs) {
      if (contains(other.net, net.address) || contains(net, other.net.address)) {
        throw new Error("multiple overlapping subnet configuration is not supported");
      }
    }
    configs.push({ net, cfg: { Subnet: s, AuxiliaryAddresses: {} } });
  }
  for (const r of ranges) {
    const range = parseCidr(r);
    const match = configs.find((c) => contains(c.net, range.address));
    if (match === undefined) throw new Error(`no matching subnet for range ${r}`);
    if (match.cfg.IPRange !== undefined) {
      throw new Error(
        `cannot configure multiple ranges (${r}, ${match.cfg.IPRange}) on the same subnet (${match.cfg.Subnet ?? ""})`,
      );
    }
    match.cfg.IPRange = r;
  }
  for (const g of gateways) {
    const match = configs.find((c) => contains(c.net, g));
    if (match === undefined) throw new Error(`no matching subnet for gateway ${g}`);
    if (match.cfg.Gateway !== undefined) {
      throw new Error(
        `cannot configure multiple gateways (${g}, ${match.cfg.Gateway}) for the same subnet (${match.cfg.Subnet ?? ""})`,
      );
    }
    match.cfg.Gateway = g;
  }
  for (const [key, aux] of Object.entries(auxAddresses)) {
    const match = configs.find((c) => contains(c.net, aux));
    if (match === undefined) throw new Error(`no matching subnet for aux-address ${aux}`);
    (match.cfg.AuxiliaryAddresses ??= {})[key] = aux;
  }
  return configs.map(({ cfg }) => cfg);
}
