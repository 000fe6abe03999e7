// Address pools for networks created without a subnet, as dockerd's `default-address-pools`
// (daemon.json: [{"base": "10.10.0.0/16", "size": 24}]): each pool's base is cut into subnets of
// /size, and a new network takes the first one, pool by pool in the order given, that overlaps
// no existing network and no host route. Without the setting Docker's defaults apply:
// 172.17–31.0.0/16 each as one /16, then 192.168.0.0/16 cut into /20s.
import { invalidArgument } from "../lib/index.ts";
import { type Cidr, formatCidr, overlaps, size as sizeOf, tryParseCidr } from "./ipv4.ts";
import { type Cidr6, overlaps6, tryParseCidr6 } from "./ipv6.ts";

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

/** An IPv6 pool: subnets of `--ipv6` networks created without an IPv6 subnet. */
export interface AddressPool6 {
  base: Cidr6;
  size: number;
}

/**
 * The IPv4 entries of daemon.json's "default-address-pools"; undefined when absent (or IPv6
 * only). Bad entries are errors naming them; IPv6 entries are read by parseAddressPools6.
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

/** The IPv6 entries of "default-address-pools" (validated by parseAddressPools). */
export function parseAddressPools6(value: unknown, source: string): AddressPool6[] {
  if (!Array.isArray(value)) return [];
  const pools: AddressPool6[] = [];
  for (const entry of value as { base?: unknown; size?: unknown }[]) {
    if (typeof entry?.base !== "string" || !entry.base.includes(":")) continue;
    const cidr = tryParseCidr6(entry.base);
    const size = entry.size;
    if (!cidr) {
      throw invalidArgument(
        "CONFIG_FILE",
        `${source}: "default-address-pools": invalid base pool "${entry.base}"`,
      );
    }
    if (typeof size !== "number" || !Number.isInteger(size) || size < cidr.prefix || size > 126) {
      throw invalidArgument(
        "CONFIG_FILE",
        `${source}: "default-address-pools": invalid pool size ${JSON.stringify(size)} for base ${entry.base}: must be between ${cidr.prefix} and 126`,
      );
    }
    pools.push({ base: { base: cidr.base, prefix: cidr.prefix }, size });
  }
  return pools;
}

/** The first /size IPv6 subnet of the pools that overlaps nothing in `taken`. */
export function firstFreeSubnet6(pools: readonly AddressPool6[], taken: readonly Cidr6[]): Cidr6 | undefined {
  for (const pool of pools) {
    const step = 1n << BigInt(128 - pool.size);
    const end = pool.base.base + (1n << BigInt(128 - pool.base.prefix));
    let start = pool.base.base;
    while (start < end) {
      const candidate: Cidr6 = { base: start, prefix: pool.size };
      const clash = taken.find((t) => overlaps6(t, candidate));
      if (!clash) return candidate;
      const clashEnd = clash.base + (1n << BigInt(128 - clash.prefix));
      const next = start + step;
      const past = ((clashEnd + step - 1n) / step) * step;
      start = next > past ? next : past;
    }
  }
  return undefined;
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
