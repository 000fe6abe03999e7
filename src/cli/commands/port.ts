// berth port / container port: the container's published ports from inspect
// (NetworkSettings.Ports), as docker/cli container/port.go prints them, naturally sorted.
import type { ContainerInspectResponse } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { naturalCompare } from "./volume-ls.ts";

type PortMap = Record<string, { HostIp: string; HostPort: string }[] | null>;

/** net.JoinHostPort: IPv6 hosts in brackets. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The output lines of `port` for a container's port map; throws docker's errors. */
export function portLines(ports: PortMap, container: string, wanted?: string): string[] {
  const out: string[] = [];
  if (wanted !== undefined) {
    const slash = wanted.indexOf("/");
    const port = slash < 0 ? wanted : wanted.slice(0, slash);
    const proto = slash < 0 || wanted.slice(slash + 1) === "" ? "tcp" : wanted.slice(slash + 1);
    if (!/^\d+$/.test(port) || Number(port) > 65535) {
      const why = /^\d+$/.test(port) ? "value out of range" : "invalid syntax";
      throw new Error(`Error: invalid port (${port}): strconv.ParseUint: parsing "${port}": ${why}`);
    }
    const frontends = ports[`${port}/${proto}`] ?? [];
    if (frontends.length === 0)
      throw new Error(`Error: No public port '${wanted}' published for ${container}`);
    for (const f of frontends) out.push(joinHostPort(f.HostIp, f.HostPort));
  } else {
    for (const [from, frontends] of Object.entries(ports)) {
      for (const f of frontends ?? []) out.push(`${from} -> ${joinHostPort(f.HostIp, f.HostPort)}`);
    }
  }
  return out.sort(naturalCompare);
}

export const portCommand = command({
  paths: [["port"], ["container", "port"]],
  spec: {
    path: "berth port",
    usage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
    description: "List port mappings or a specific mapping for the container",
    aliases: ["berth container port", "berth port"],
    args: { min: 1, max: 2 },
    flags: {},
  },
  async run(ctx, _flags, args) {
    const [name = "", wanted] = args;
    const c = await ctx.client.json<ContainerInspectResponse>(
      "GET",
      `/containers/${encodeURIComponent(name)}/json`,
    );
    const lines = portLines((c.NetworkSettings.Ports ?? {}) as PortMap, name, wanted);
    if (lines.length > 0) ctx.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
});
