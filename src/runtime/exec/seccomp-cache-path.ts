// Where berth-exec keeps a container's compiled seccomp program: in its bundle (gone with the
// container), named by the profile's digest so that a changed profile is never loaded from a
// stale program.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { LinuxSeccomp } from "../spec/index.ts";

export function seccompCachePath(bundle: string, seccomp: LinuxSeccomp): string {
  const digest = createHash("sha256").update(JSON.stringify(seccomp)).digest("hex");
  return join(bundle, `exec-seccomp-${digest.slice(0, 16)}.bpf`);
}
