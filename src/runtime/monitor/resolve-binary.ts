// conmon execv()s its -r argument (no PATH search), so the runtime setting ("runc") must be
// turned into an absolute path. sbin dirs are searched too: runc lives in /usr/sbin on Debian.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

const FALLBACK_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Found binaries by name and PATH: every container start looks up runc and conmon. */
const found = new Map<string, string>();

export async function resolveBinary(
  name: string,
  path = process.env["PATH"] ?? "",
): Promise<string | undefined> {
  if (isAbsolute(name)) return (await isExecutable(name)) ? name : undefined;
  const key = `${name}\0${path}`;
  const known = found.get(key);
  // One access(2) instead of one per PATH entry; a binary since removed is looked up again (one
  // installed earlier in PATH later is noticed after a daemon restart).
  if (known !== undefined && (await isExecutable(known))) return known;
  found.delete(key);
  const dirs = [...path.split(delimiter).filter((d) => d !== ""), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) {
      found.set(key, candidate);
      return candidate;
    }
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
