// A container's /etc/resolv.conf from the host's, as Docker does (libnetwork resolvconf):
// localhost nameservers are useless inside a network namespace, so they are dropped; with
// systemd-resolved the stub (127.0.0.53) is replaced by its upstream list in
// /run/systemd/resolve/resolv.conf; when no nameserver remains, Google's public DNS.
import { readFileSync } from "node:fs";

export const DEFAULT_NAMESERVERS = ["8.8.8.8", "8.8.4.4"];

const isLocal = (ns: string): boolean => ns.startsWith("127.") || ns === "::1";

/** Keeps search/options lines, drops localhost nameservers, adds the defaults if none is left. */
export function containerResolvConf(hostText: string, nameservers?: readonly string[]): string {
  const lines = hostText.split("\n").filter((l) => l.trim() !== "");
  const kept = lines.filter((l) => !/^\s*nameserver\s/.test(l));
  const servers =
    nameservers ??
    lines
      .filter((l) => /^\s*nameserver\s/.test(l))
      .map((l) => l.trim().split(/\s+/)[1] ?? "")
      .filter((ns) => ns !== "" && !isLocal(ns) && !ns.includes(":"));
  const chosen = servers.length > 0 ? servers : DEFAULT_NAMESERVERS;
  return [...chosen.map((ns) => `nameserver ${ns}`), ...kept].join("\n") + "\n";
}

/** The upstream servers berthd's embedded DNS forwards to, and the text to filter. */
export function readHostResolvConf(): string {
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  };
  const etc = read("/etc/resolv.conf") ?? "";
  if (/^\s*nameserver\s+127\.0\.0\.53\b/m.test(etc)) return read("/run/systemd/resolve/resolv.conf") ?? etc;
  return etc;
}

export function upstreamNameservers(hostText: string): string[] {
  const servers = hostText
    .split("\n")
    .filter((l) => /^\s*nameserver\s/.test(l))
    .map((l) => l.trim().split(/\s+/)[1] ?? "")
    .filter((ns) => ns !== "" && !isLocal(ns) && !ns.includes(":"));
  return servers.length > 0 ? servers : DEFAULT_NAMESERVERS;
}
