// Address pools for networks created without a subnet, as dockerd's `default-address-pools`
// (daemon.json: [{"base": "10.10.0.0/16", "size": 24}]): each pool's base is cut into subnets of
// /size, and a new network takes the first one, pool by pool in the order given, that overlaps
// no existing network and no host route. Without the setting Docker's defaults apply:
// 172.17–31.0.0/16 each as one /16, then 192.168.0.0/16 cut into /20s.
import { invalidArgument } from "../lib/index.ts";
import { type Cidr, formatCidr, overlaps, size as sizeOf, tryParseCidr } from "./ipv4.ts";

export interface AddressPool {
  base: Cidr;
  /** Prefix length of the subnets cut from base. */
  size: number;
}

export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({
    base: { base: ((172 << 24) | ((17 + i) << 16)) >>> 0, prefix: 16 },
    size: 16,
  })),
  { base: { base: ((192 << 24) | (168 << 16)) >>> 0, prefix: 16 }, size: 20 },
];

/**
 * The "default-address-pools" value of daemon.json; undefined when absent. IPv6 pools are
 * skipped (networks get IPv6 subnets only from --subnet). Bad entries are errors naming them.
 */
export function parseAddressPools(value: unknown, source: string): AddressPool[] | undefined {
  if (value === undefined) return undefined;
  const bad = (why: string): never => {
    throw invalidArgument("CONFIG_FILE", `${source}: "default-address-pools": ${why}`);
  };
  if (!Array.isArray(value)) return bad('must be an array of {"base": CIDR, "size": prefix length}');
  const pools: AddressPool[] = [];
  for (const entry of value as unknown[]) {
    if (entry === null || typeof entry !== "object") return bad(`invalid pool ${JSON.stringify(entry)}`);
    const { base, size } = entry as { base?: unknown; size?: unknown };
    if (typeof base !== "string") return bad(`pool ${JSON.stringify(entry)} has no "base"`);
    if (base.includes(":")) continue;
    const cidr = tryParseCidr(base);
    if (!cidr) return bad(`invalid base pool "${base}"`);
    if (typeof size !== "number" || !Number.isInteger(size) || size < cidr.prefix || size > 32) {
      return bad(
        `invalid pool size ${JSON.stringify(size)} for base ${base}: must be between ${cidr.prefix} and 32`,
      );
    }
    pools.push({ base: { base: cidr.base, prefix: cidr.prefix }, size });
  }
  if (pools.length === 0 && value.length > 0) return undefined;
  return pools;
}

/** The first /size subnet of the pools, in order, that overlaps nothing in `taken`. */
export function firstFreeSubnet(pools: readonly AddressPool[], taken: readonly Cidr[]): Cidr | undefined {
  for (const pool of pools) {
    const step = 2 ** (32 - pool.size);
    const end = pool.base.base + sizeOf(pool.base);
    let start = pool.base.base;
    while (start < end) {
      const candidate: Cidr = { base: start, prefix: pool.size };
      const clash = taken.find((t) => overlaps(t, candidate));
      if (!clash) return candidate;
      // Skip past whatever is in the way: the candidate, or the whole taken range if larger.
      const clashEnd = clash.base + sizeOf(clash);
      start = Math.max(start + step, Math.ceil(clashEnd / step) * step);
    }
  }
  return undefined;
}

export function formatPool(p: AddressPool): string {
  return `${formatCidr(p.base)} (/${p.size})`;
}
