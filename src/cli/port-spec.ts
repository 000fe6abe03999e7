// `-p [ip:][hostPort:]containerPort[/proto]` into ExposedPorts and PortBindings, as the docker
// CLI's nat.ParsePortSpecs: ranges expand to one key per container port; a missing host port
// is "" (ephemeral).
import { parsePortRange } from "../lib/index.ts";

export interface PortSpecs {
  exposed: Record<string, Record<string, never>>;
  bindings: Record<string, { HostIp: string; HostPort: string }[]>;
}

function range(text: string, what: string, spec: string): [number, number] {
  const r = parsePortRange(text);
  if (r === undefined || r[0] < (what === "hostPort" ? 0 : 1)) throw new Error(`invalid ${what}: ${spec}`);
  return r;
}

export function parsePortSpecs(specs: readonly string[]): PortSpecs {
  const out: PortSpecs = { exposed: {}, bindings: {} };
  for (const spec of specs) {
    const slash = spec.lastIndexOf("/");
    const proto = slash < 0 ? "tcp" : spec.slice(slash + 1);
    if (!["tcp", "udp", "sctp"].includes(proto)) throw new Error(`invalid proto: ${proto}`);
    let body = slash < 0 ? spec : spec.slice(0, slash);
    // An IPv6 host address is bracketed: `[::]:8080:80`, `[fd00::1]::80`.
    let ip6: string | undefined;
    if (body.startsWith("[")) {
      const end = body.indexOf("]:");
      if (end < 0) throw new Error(`invalid port format: ${spec}`);
      ip6 = body.slice(1, end);
      body = `:${body.slice(end + 2)}`;
    }
    const parts = body.split(":");
    if (parts.length > 3 || (ip6 !== undefined && parts.length !== 3)) {
      throw new Error(`invalid port format: ${spec}`);
    }
    if (ip6 !== undefined) parts[0] = ip6;
    const [ip, host, container] =
      parts.length === 3 ? parts : parts.length === 2 ? ["", parts[0], parts[1]] : ["", "", parts[0]];
    const [cStart, cEnd] = range(container ?? "", "containerPort", container ?? "");
    const hostRange = host ? range(host, "hostPort", host) : undefined;
    const count = cEnd - cStart + 1;
    if (hostRange && count > 1 && hostRange[1] - hostRange[0] + 1 !== count) {
      throw new Error(`invalid ranges specified for container and host Ports: ${container} and ${host}`);
    }
    for (let i = 0; i < count; i++) {
      const key = `${cStart + i}/${proto}`;
      let hostPort = "";
      if (hostRange) {
        hostPort =
          count === 1 && hostRange[1] !== hostRange[0]
            ? `${hostRange[0]}-${hostRange[1]}`
            : String(hostRange[0] + i);
      }
      out.exposed[key] = {};
      (out.bindings[key] ??= []).push({ HostIp: ip ?? "", HostPort: hostPort });
    }
  }
  return out;
}
