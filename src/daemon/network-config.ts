// Network settings from daemon.json under dockerd's key names:
//   "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}]   subnets of networks (and
//   of the default bridge without --bip) created without one
//   "ipv6": true, "fixed-cidr-v6": "fd00:db8::/64"   IPv6 on the default bridge (flags --ipv6,
//   --fixed-cidr-v6 win, as with dockerd)
import { readFileSync } from "node:fs";
import { invalidArgument } from "../lib/index.ts";
import {
  type AddressPool,
  type AddressPool6,
  parseAddressPools,
  parseAddressPools6,
} from "../network/index.ts";

export interface NetworkConfig {
  addressPools: AddressPool[] | undefined;
  addressPools6: AddressPool6[];
  ipv6: boolean;
  fixedCidrV6: string | undefined;
}

export function loadNetworkConfig(
  configFile: string,
  flags: { ipv6?: string; fixedCidrV6?: string } = {},
): NetworkConfig {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
  } catch {
    // A missing or broken file is reported by loadDaemonOptions; defaults here.
  }
  const pools = parsed["default-address-pools"];
  const ipv6 = parsed.ipv6;
  const fixed = parsed["fixed-cidr-v6"];
  if (ipv6 !== undefined && typeof ipv6 !== "boolean") {
    throw invalidArgument("CONFIG_FILE", `${configFile}: "ipv6" must be a boolean`);
  }
  if (fixed !== undefined && typeof fixed !== "string") {
    throw invalidArgument("CONFIG_FILE", `${configFile}: "fixed-cidr-v6" must be a string`);
  }
  const fixedCidrV6 = flags.fixedCidrV6 ? flags.fixedCidrV6 : fixed;
  return {
    addressPools: parseAddressPools(pools, configFile),
    addressPools6: parseAddressPools6(pools, configFile),
    ipv6: flags.ipv6 ? flags.ipv6 === "true" : ipv6 === true,
    fixedCidrV6: fixedCidrV6 === "" ? undefined : fixedCidrV6,
  };
}
