// Address allocation inside one network (pure; the leases themselves live in network-store.ts).
// As Docker's default IPAM: the network and broadcast addresses and the gateway are never
// handed out; --ip-range narrows the dynamic pool; a static --ip must lie in the subnet.
import { conflict, invalidArgument, unavailable } from "../lib/index.ts";
import { type Cidr, contains, formatIp, parseIp, size } from "./ipv4.ts";

export interface Pool {
  subnet: Cidr;
  gateway: number;
  /** Dynamic allocations come from here (defaults to the subnet). */
  range?: Cidr;
}

/**
 * The next free address after the most recent one (Docker allocates sequentially and wraps,
 * so a just-released address is not immediately reused), or the requested static one.
 */
export function allocateAddress(
  pool: Pool,
  used: ReadonlySet<number>,
  requested?: string,
  last?: number,
): number {
  const first = pool.subnet.base + 1;
  const end = pool.subnet.base + size(pool.subnet) - 2; // last host address (not broadcast)
  if (requested !== undefined && requested !== "") {
    const ip = parseIp(requested);
    if (ip === undefined) throw invalidArgument("INVALID_IP", `invalid IPv4 address: ${requested}`);
    if (!contains(pool.subnet, ip) || ip < first || ip > end) {
      throw invalidArgument(
        "IP_OUT_OF_RANGE",
        `no configured subnet or ip-range contain the IP address ${requested}`,
      );
    }
    if (used.has(ip) || ip === pool.gateway) {
      throw conflict("IP_IN_USE", `Address already in use`);
    }
    return ip;
  }
  const range = pool.range ?? pool.subnet;
  const lo = Math.max(first, range.base);
  const hi = Math.min(end, range.base + size(range) - 1);
  const count = hi - lo + 1;
  const start = last !== undefined && last >= lo && last < hi ? last + 1 : lo;
  for (let i = 0; i < count; i++) {
    const ip = lo + ((start - lo + i) % count);
    if (ip !== pool.gateway && !used.has(ip)) return ip;
  }
  throw unavailable(
    "NO_ADDRESSES",
    `no available IPv4 addresses on this network's address pools (${formatIp(range.base)}/${range.prefix})`,
  );
}
