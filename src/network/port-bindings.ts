// Published ports from HostConfig.PortBindings (and -P: every ExposedPorts entry on an
// ephemeral host port), validated with Docker's wording, one entry per host port.
import { invalidArgument } from "../lib/index.ts";

export interface PortBindingInput {
  HostIp?: string;
  HostPort?: string;
}

export interface PortRequest {
  proto: "tcp" | "udp";
  containerPort: number;
  hostIp: string;
  /** 0: an ephemeral port. */
  hostPort: number;
}

function parsePort(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw invalidArgument("INVALID_PORT", `invalid ${what} port: ${text}`);
  }
  return Number(text);
}

function parseKey(key: string): { proto: "tcp" | "udp"; start: number; end: number } {
  const [ports = "", proto = "tcp"] = key.split("/");
  if (proto !== "tcp" && proto !== "udp") throw invalidArgument("INVALID_PORT", `invalid proto: ${proto}`);
  const [a = "", b] = ports.split("-");
  const start = parsePort(a, "containerPort");
  const end = b === undefined ? start : parsePort(b, "containerPort");
  if (end < start) throw invalidArgument("INVALID_PORT", `invalid port range: ${ports}`);
  return { proto, start, end };
}

export function portRequests(
  bindings: Record<string, PortBindingInput[] | null> | undefined,
  exposed: Record<string, unknown> | undefined,
  publishAll: boolean,
): PortRequest[] {
  const out: PortRequest[] = [];
  const seen = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { proto, start, end } = parseKey(key);
    for (const b of list ?? [{}]) {
      const hostIp = b.HostIp ?? "";
      const hostText = b.HostPort ?? "";
      let hostStart = 0;
      let hostEnd = 0;
      if (hostText !== "" && hostText !== "0") {
        const [a = "", z] = hostText.split("-");
        hostStart = parsePort(a, "hostPort");
        hostEnd = z === undefined ? hostStart : parsePort(z, "hostPort");
      }
      for (let p = start; p <= end; p++) {
        const hostPort = hostStart === 0 ? 0 : hostStart + (p - start);
        if (hostStart !== 0 && hostPort > hostEnd && hostEnd !== hostStart) {
          throw invalidArgument(
            "INVALID_PORT",
            `invalid ranges specified for container and host Ports: ${key} and ${hostText}`,
          );
        }
        out.push({ proto, containerPort: p, hostIp, hostPort });
      }
      seen.add(`${start}/${proto}`);
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { proto, start, end } = parseKey(key);
      for (let p = start; p <= end; p++) {
        if (!seen.has(`${p}/${proto}`)) out.push({ proto, containerPort: p, hostIp: "", hostPort: 0 });
      }
    }
  }
  return out;
}
