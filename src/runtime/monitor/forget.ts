// Removes what the monitor left for a container once berthd has recorded its exit and removed
// it, so scanMonitors no longer reports it. The runtime's own state goes with `runc delete`.
import { rm } from "node:fs/promises";
import { monitorPaths } from "./paths.ts";

export async function forgetMonitor(execRoot: string, id: string): Promise<void> {
  const paths = monitorPaths(execRoot, id);
  await Promise.all([
    rm(paths.exitDirFile, { force: true }),
    rm(paths.dir, { recursive: true, force: true }),
  ]);
}
