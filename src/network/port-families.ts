// Which host bindings a published port gets, by address family (Docker ≥ 27 without the
// userland proxy): no host IP means both 0.0.0.0 and [::] when the container has an IPv6
// address (IPv4 only otherwise); an IPv4 host IP (0.0.0.0 included) is IPv4 only; an IPv6 host
// IP ("::", "::1", an address of the host) is IPv6 only and needs an IPv6 address in the
// container: there is no proxy to carry IPv6 to an IPv4-only container, so such a binding is
// not made (dockerd does the same with userland-proxy=false) and the caller reports it.

import { invalidArgument } from "../lib/index.ts";
import { parseIp6 } from "./ipv6.ts";

export interface HostBinding {
  /** "" for the IPv4 wildcard (shown as 0.0.0.0, as before IPv6), else the address. */
  hostIp: string;
  family: 4 | 6;
}

/** "[::1]" → "::1"; others unchanged. */
export function bareHostIp(hostIp: string): string {
  return hostIp.startsWith("[") && hostIp.endsWith("]") ? hostIp.slice(1, -1) : hostIp;
}

export function isIpv6HostIp(hostIp: string): boolean {
  return bareHostIp(hostIp).includes(":");
}

export function hostBindings(hostIp: string, containerHasIpv6: boolean): HostBinding[] {
  const ip = bareHostIp(hostIp);
  if (ip === "")
    return containerHasIpv6
      ? [
          { hostIp: "", family: 4 },
          { hostIp: "::", family: 6 },
        ]
      : [{ hostIp: "", family: 4 }];
  if (ip.includes(":")) return containerHasIpv6 ? [{ hostIp: ip, family: 6 }] : [];
  return [{ hostIp: ip, family: 4 }];
}

/**
 * A port published on [::1] cannot work without a userland proxy, which berth does not run: the
 * DNAT itself happens, but the container's reply, translated back to ::1 as it arrives from the
 * bridge, is dropped (Linux accepts the loopback address only on `lo`, RFC 4291 §2.5.3, and
 * IPv6 has no `route_localnet` to relax that as IPv4 has). Refused instead of a dead port.
 */
export function refuseIpv6Loopback(hostIp: string, hostPort: number): void {
  const ip = bareHostIp(hostIp);
  if (ip.includes(":") && parseIp6(ip) === 1n) {
    throw invalidArgument(
      "IPV6_LOOPBACK_PORT",
      `cannot publish on [${ip}]:${hostPort}: IPv6 loopback needs a userland proxy, which berth does not run (Linux drops ::1 traffic outside lo); publish on [::] or a host address instead`,
    );
  }
}
