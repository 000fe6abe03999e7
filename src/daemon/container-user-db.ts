// The image's /etc/passwd and /etc/group, read from a container's root so `--user name` and
// `exec -u name` resolve as Docker resolves them; a missing file is simply absent.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function readUserDb(rootfs: string): { passwd?: string; group?: string } {
  const read = (p: string): string | undefined => {
    try {
      return readFileSync(join(rootfs, p), "utf8");
    } catch {
      return undefined;
    }
  };
  const passwd = read("etc/passwd");
  const group = read("etc/group");
  return { ...(passwd !== undefined ? { passwd } : {}), ...(group !== undefined ? { group } : {}) };
}
