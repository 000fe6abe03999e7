// `--add-host name:host-gateway`: Docker writes the host's address for containers in place of
// the special value, by default the default bridge's gateway (dockerd --host-gateway-ip;
// docker CLI docs, container run "--add-host": "host-gateway"). Entries stay "name:ip".
export const HOST_GATEWAY = "host-gateway";

/** ExtraHosts with "host-gateway" replaced by `gateway` (left as is when there is none). */
export function resolveHostGateway(extraHosts: readonly string[], gateway: string | undefined): string[] {
  return extraHosts.map((entry) => {
    const sep = entry.indexOf(":");
    if (sep <= 0 || entry.slice(sep + 1) !== HOST_GATEWAY || !gateway) return entry;
    return `${entry.slice(0, sep)}:${gateway}`;
  });
}
