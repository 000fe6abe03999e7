// HostConfig.PortBindings checked at create as moby's verifyContainerSettings does
// (daemon/container.go): each container port and each non-empty HostPort must parse as a port
// or a port range (go-connections nat), else `invalid port specification: "x"` (400) and no
// container is made. Publishing itself (ranges, protocols, addresses) is checked at start.
import { parsePortRange } from "../lib/index.ts";
import { invalidContainerConfig } from "./errors.ts";

const isPortRange = (text: string): boolean => parsePortRange(text) !== undefined;

/** "80/tcp" → "80"; "80" → "80" (nat.SplitProtoPort). */
function portPart(spec: string): string {
  const slash = spec.indexOf("/");
  return slash < 0 ? spec : spec.slice(0, slash);
}

export function validatePortBindings(
  bindings: Record<string, readonly { HostPort?: string }[] | null> | null | undefined,
): void {
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const port = portPart(key);
    if (!isPortRange(port))
      throw invalidContainerConfig(`invalid port specification: ${JSON.stringify(port)}`);
    for (const b of list ?? []) {
      const host = b.HostPort ?? "";
      if (host !== "" && !isPortRange(portPart(host))) {
        throw invalidContainerConfig(`invalid port specification: ${JSON.stringify(host)}`);
      }
    }
  }
}
