// The IPv6 half of a dual-stack network (`network create --ipv6`): its subnet (given, or a
// random unique local /64, RFC 4193 §3.2: fd00::/8 + a 40-bit random global ID + subnet 0, as
// Docker ≥ 27 picks when none is given), its gateway (the first address unless given), and
// container addresses handed out in order after the gateway, as IPv4 leases are.
import { randomBytes } from "node:crypto";
import { EngineError, invalidArgument } from "../lib/index.ts";
import { type AddressPool6, firstFreeSubnet6 } from "./address-pools.ts";
import { type Cidr6, contains6, formatCidr6, formatIp6, overlaps6, parseIp6, tryParseCidr6 } from "./ipv6.ts";

export interface Ipv6Request {
  enable: boolean;
  subnet?: string | undefined;
  gateway?: string | undefined;
}

/** The network's IPv6 subnet and gateway ("" and "" when IPv6 is off). */
export function ipv6Config(
  req: Ipv6Request,
  existing: readonly string[],
  random: () => Buffer = () => randomBytes(5),
  pools: readonly AddressPool6[] = [],
): { subnet6: string; gateway6: string } {
  if (!req.enable) {
    if (req.subnet) {
      throw invalidArgument(
        "IPV6_NOT_ENABLED",
        `IPv6 subnet ${req.subnet} given, but IPv6 is not enabled on the network (use --ipv6)`,
      );
    }
    return { subnet6: "", gateway6: "" };
  }
  const taken = existing.flatMap((s) => tryParseCidr6(s) ?? []);
  let subnet: Cidr6;
  if (req.subnet) {
    const parsed = tryParseCidr6(req.subnet);
    if (!parsed) throw invalidArgument("INVALID_CIDR", `invalid CIDR address: ${req.subnet}`);
    if (parsed.prefix > 126) {
      throw invalidArgument("INVALID_CIDR", `invalid subnet ${req.subnet}: prefix too long for containers`);
    }
    subnet = { base: parsed.base, prefix: parsed.prefix };
    if (taken.some((t) => overlaps6(t, subnet))) {
      throw new EngineError(
        "forbidden",
        "POOL_OVERLAP",
        "Pool overlaps with other one on this address space",
      );
    }
  } else if (pools.length > 0) {
    // daemon.json's IPv6 pools, when there are any, as dockerd.
    const free = firstFreeSubnet6(pools, taken);
    if (!free) {
      throw new EngineError(
        "conflict",
        "NO_FREE_SUBNET",
        "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network",
      );
    }
    subnet = free;
  } else {
    let found: Cidr6 | undefined;
    for (let i = 0; i < 8 && !found; i++) {
      const id = random().reduce((n, b) => (n << 8n) | BigInt(b), 0n) & 0xff_ffff_ffffn;
      const candidate = { base: (0xfdn << 120n) | (id << 80n), prefix: 64 };
      if (!taken.some((t) => overlaps6(t, candidate))) found = candidate;
    }
    if (!found) throw new EngineError("conflict", "NO_FREE_SUBNET", "could not find a free IPv6 subnet");
    subnet = found;
  }
  let gateway = subnet.base + 1n;
  if (req.gateway) {
    const g = parseIp6(req.gateway);
    if (g === undefined || !contains6(subnet, g)) {
      throw invalidArgument("INVALID_GATEWAY", `no matching subnet for gateway ${req.gateway}`);
    }
    gateway = g;
  }
  return { subnet6: formatCidr6(subnet), gateway6: formatIp6(gateway) };
}

/** The requested address if free and inside, else the lowest free one after the subnet base. */
export function allocateAddress6(
  subnet6: string,
  gateway6: string,
  used: ReadonlySet<string>,
  requested?: string,
): string {
  const subnet = tryParseCidr6(subnet6);
  if (!subnet) throw new Error(`bad IPv6 subnet in store: ${subnet6}`);
  const taken = new Set([...used, gateway6].flatMap((a) => parseIp6(a) ?? []));
  if (requested !== undefined) {
    const r = parseIp6(requested);
    if (r === undefined || !contains6(subnet, r)) {
      throw invalidArgument(
        "IP_OUT_OF_RANGE",
        `no configured subnet or ip-range contain the IP address ${requested}`,
      );
    }
    if (taken.has(r)) throw new EngineError("conflict", "ADDRESS_IN_USE", `Address already in use`);
    return formatIp6(r);
  }
  const last = subnet.base + (1n << BigInt(128 - subnet.prefix)) - 1n;
  for (let a = subnet.base + 1n; a <= last; a++) if (!taken.has(a)) return formatIp6(a);
  throw new EngineError(
    "conflict",
    "NO_FREE_ADDRESS",
    `no available IPv6 addresses on this network's address pools`,
  );
}
