// Linux bridges for berth's networks, driven with iproute2 (one `ip -batch` per step), and the
// sysctls a NATed bridge needs: IPv4 forwarding, and route_localnet on the bridge so packets
// DNATed from 127.0.0.1 (a published port reached on the host's loopback) may leave through it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { runTool } from "./run-tool.ts";

export function bridgeExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** The bridge with its gateway address, up; made if missing (an existing one is kept as is). */
export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  if (!bridgeExists(name)) {
    await runTool(
      ["ip", "-batch", "-"],
      `link add name ${name} type bridge\naddr add ${gatewayCidr} dev ${name}\nlink set ${name} up\n`,
    );
  } else {
    const { stdout } = await runTool(["ip", "-o", "-4", "addr", "show", "dev", name]);
    if (!stdout.includes(` ${gatewayCidr} `)) await runTool(["ip", "addr", "add", gatewayCidr, "dev", name]);
    await runTool(["ip", "link", "set", name, "up"]);
  }
  writeSysctl(`net/ipv4/conf/${name}/route_localnet`, "1");
}

/**
 * The bridge's IPv6 gateway address of a dual-stack network ("fd00::1/64"), without duplicate
 * address detection (the address is ours; DAD would leave it tentative for a second or two).
 */
export async function ensureBridge6(name: string, gatewayCidr6: string): Promise<void> {
  writeSysctl(`net/ipv6/conf/${name}/disable_ipv6`, "0");
  const { stdout } = await runTool(["ip", "-o", "-6", "addr", "show", "dev", name]);
  if (!stdout.includes(` ${gatewayCidr6} `)) {
    await runTool(["ip", "-6", "addr", "add", gatewayCidr6, "dev", name, "nodad"]);
  }
}

export async function deleteBridge(name: string): Promise<void> {
  if (bridgeExists(name)) await runTool(["ip", "link", "del", name]);
}

/** The IPv4 address/prefix already on an existing bridge, if any. */
export async function bridgeAddress(name: string): Promise<string | undefined> {
  if (!bridgeExists(name)) return undefined;
  const { stdout } = await runTool(["ip", "-o", "-4", "addr", "show", "dev", name]);
  return /inet (\S+)/.exec(stdout)?.[1];
}

/** Destinations of the host's IPv4 routes (to pick subnets that clash with none). */
export async function hostRoutes(): Promise<string[]> {
  const { stdout } = await runTool(["ip", "-o", "-4", "route", "show", "table", "all"]);
  return stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .map((f) => (f[0] === "local" || f[0] === "broadcast" || f[0] === "unicast" ? f[1] : f[0]) ?? "")
    .filter((d) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(d))
    .map((d) => (d.includes("/") ? d : `${d}/32`));
}

export function enableForwarding(): void {
  writeSysctl("net/ipv4/ip_forward", "1");
}

/** The kernel has IPv6 (not booted with ipv6.disable=1): ip6tables has tables to write. */
export function ipv6Available(): boolean {
  return existsSync("/proc/sys/net/ipv6");
}

/**
 * IPv6 forwarding, turned on (as dockerd does) once an IPv6 network exists: outbound NAT66 and
 * published ports need it. Note: with forwarding on, interfaces with accept_ra=1 stop taking
 * router advertisements (accept_ra=2 keeps them); a host whose IPv6 default route comes from
 * SLAAC should set accept_ra=2 first, as Docker's documentation says.
 */
export function enableForwarding6(): void {
  writeSysctl("net/ipv6/conf/all/forwarding", "1");
}

/** Removes an IPv6 address from a bridge (the default bridge's IPv6 turned off or changed). */
export async function removeBridgeAddress6(name: string, cidr6: string): Promise<void> {
  if (bridgeExists(name))
    await runTool(["ip", "-6", "addr", "del", cidr6, "dev", name]).catch(() => undefined);
}

function writeSysctl(key: string, value: string): void {
  const path = `/proc/sys/${key}`;
  try {
    if (readFileSync(path, "utf8").trim() === value) return;
  } catch {
    return;
  }
  writeFileSync(path, value);
}
