// The host end of a container's veth: "veth" + 7 characters of the container id + 4 of the
// network id (15, IFNAMSIZ - 1), so `ip link` shows whose it is. Two containers can share those
// characters, and the veth of a removed container may still be being deleted (its release runs
// after `docker run --rm` has been answered) while a new container starts: a name still in use,
// recorded or present on the host, is never handed out again; a random one is taken instead.
import { randomBytes } from "node:crypto";

/** A host veth name not in `taken` and for which `exists` is false. */
export function hostVethName(
  containerId: string,
  networkId: string,
  taken: ReadonlySet<string>,
  exists: (name: string) => boolean,
  random: () => string = () => randomBytes(6).toString("hex").slice(0, 11),
): string {
  const free = (name: string): boolean => !taken.has(name) && !exists(name);
  const usual = `veth${containerId.slice(0, 7)}${networkId.slice(0, 4)}`;
  if (free(usual)) return usual;
  for (;;) {
    const name = `veth${random()}`;
    if (free(name)) return name;
  }
}
