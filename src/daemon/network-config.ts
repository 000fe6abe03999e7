// Network settings from daemon.json under dockerd's key names:
//   "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}]   subnets of networks (and
//   of the default bridge without --bip) created without one
import { readFileSync } from "node:fs";
import {
  type AddressPool,
  type AddressPool6,
  parseAddressPools,
  parseAddressPools6,
} from "../network/index.ts";

export interface NetworkConfig {
  addressPools: AddressPool[] | undefined;
  addressPools6: AddressPool6[];
}

export function loadNetworkConfig(configFile: string): NetworkConfig {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
  } catch {
    // A missing or broken file is reported by loadDaemonOptions; defaults here.
  }
  const pools = parsed["default-address-pools"];
  return {
    addressPools: parseAddressPools(pools, configFile),
    addressPools6: parseAddressPools6(pools, configFile),
  };
}
