// Each test daemon gets its own bridge (bt<hex>, ≤ 15 chars), a random test-only /24 in 10.x
// and so its own iptables chains (BERTH_<bridge>...): parallel daemons never share a bridge,
// an address or a rule. cleanup removes all three, even after a failed test.
import { randomBytes, randomInt } from "node:crypto";
import { runCommand } from "./run-command.ts";

export interface TestNetwork {
  bridge: string;
  /** The default network's gateway/prefix, e.g. 10.201.17.1/24. */
  bip: string;
  args: string[];
}

export function testNetwork(): TestNetwork {
  const bridge = `bt${randomBytes(4).toString("hex")}`;
  const bip = `10.${randomInt(200, 250)}.${randomInt(0, 256)}.1/24`;
  return { bridge, bip, args: ["--bridge", bridge, "--bip", bip] };
}

/** The bridge, its veths' leftovers and the daemon's chains and hooks (iptables and ip6tables). */
export async function removeTestNetwork(bridge: string): Promise<void> {
  await removeTestChains(bridge, "iptables");
  await removeTestChains(bridge, "ip6tables");
  await runCommand("ip", ["link", "del", bridge]).catch(() => undefined);
}

/** The daemon's chains and hooks in one of iptables and ip6tables (same names in both). */
export async function removeTestChains(bridge: string, tool: "iptables" | "ip6tables"): Promise<void> {
  const prefix = `BERTH_${bridge}`;
  const ipt = (args: string[]): Promise<unknown> => runCommand(tool, args).catch(() => undefined);
  await ipt(["-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", prefix]);
  await ipt(["-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", prefix]);
  // ip6tables: the OUTPUT hook skips ::1.
  await ipt([
    "-t",
    "nat",
    "-D",
    "OUTPUT",
    "!",
    "-d",
    "::1/128",
    "-m",
    "addrtype",
    "--dst-type",
    "LOCAL",
    "-j",
    prefix,
  ]);
  await ipt(["-t", "nat", "-D", "POSTROUTING", "-j", `${prefix}-POSTROUTING`]);
  await ipt(["-D", "FORWARD", "-j", `${prefix}-FORWARD`]);
  for (const [table, chain] of [
    ["nat", prefix],
    ["nat", `${prefix}-POSTROUTING`],
    ["filter", `${prefix}-FORWARD`],
  ] as const) {
    await ipt(["-t", table, "-F", chain]);
    await ipt(["-t", table, "-X", chain]);
  }
}
