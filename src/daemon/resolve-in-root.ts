// Resolves a path inside a container's filesystem the way the kernel would after chroot(2):
// every symlink (absolute or relative) is followed relative to `root`, and ".." never climbs
// above it, so no path or link inside the container can name a host file (moby's
// symlink.FollowSymlinkInScope does the same). Used by cp (archive), never trusting the result
// blindly: writers still open with O_NOFOLLOW, as a link may be swapped in meanwhile.
import { lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { invalidArgument } from "../lib/index.ts";

const MAX_LINKS = 255;

/**
 * The host path of `containerPath` under `root`. The final component's symlink is followed only
 * when `followFinal`. Missing components are kept as they are (the caller stats the result).
 */
export function resolveInRoot(root: string, containerPath: string, followFinal: boolean): string {
  const parts = resolveContainerPath(
    (p) => (p.length === 0 ? root : join(root, ...p)),
    containerPath,
    followFinal,
  );
  return parts.length === 0 ? root : join(root, ...parts);
}

/**
 * The same over a container's mounts: `hostOf` maps resolved container path components to the
 * host path (the rootfs, or a volume or bind source below its mount point). Returns the
 * resolved container path as components.
 */
export function resolveContainerPath(
  hostOf: (parts: readonly string[]) => string,
  containerPath: string,
  followFinal: boolean,
): string[] {
  const parts: string[] = []; // resolved components below root
  let pending = split(containerPath);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() ?? "";
    if (part === "" || part === ".") continue;
    if (part === "..") {
      parts.pop();
      continue;
    }
    const candidate = [...parts, part];
    const last = pending.length === 0;
    let target: string | undefined;
    try {
      const host = hostOf(candidate);
      if (lstatSync(host).isSymbolicLink() && (!last || followFinal)) {
        target = readlinkSync(host);
      }
    } catch {
      target = undefined; // missing: keep the name
    }
    if (target === undefined) {
      parts.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw invalidArgument("TOO_MANY_LINKS", `too many symlinks resolving ${containerPath}`);
    }
    if (target.startsWith("/")) parts.length = 0;
    pending = [...split(target), ...pending];
  }
  return parts;
}

function split(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

/** Is `host` the root or below it (string-wise, after resolution)? */
export function isWithin(root: string, host: string): boolean {
  const r = root.endsWith("/") ? root : `${root}/`;
  return host === root || host.startsWith(r);
}
