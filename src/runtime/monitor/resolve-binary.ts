// conmon execv()s its -r argument (no PATH search), so the runtime setting ("runc") must be
// turned into an absolute path. sbin dirs are searched too: runc lives in /usr/sbin on Debian.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

const FALLBACK_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export async function resolveBinary(
  name: string,
  path = process.env["PATH"] ?? "",
): Promise<string | undefined> {
  if (isAbsolute(name)) return (await isExecutable(name)) ? name : undefined;
  const dirs = [...path.split(delimiter).filter((d) => d !== ""), ...FALLBACK_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
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
