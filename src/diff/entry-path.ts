// Path rules for layer entries, as Docker's archive package applies them (pkg/archive
// "breakoutError"): names are relative to the layer root and may not leave it; relative symlink
// targets, joined to the link's directory, may not leave it either. Absolute symlink targets
// are in-container paths and are fine.
import { unsafeArchivePath } from "../lib/index.ts";

/**
 * Splits an archive path into clean components ("./a//b/../c" -> ["a", "c"]); [] is the root.
 * Throws for NUL bytes, absolute names, and `..` that climbs above the root.
 */
export function cleanEntryPath(name: string, what = "entry"): string[] {
  if (name.includes("\0")) throw unsafeArchivePath(name, `${what} name contains a NUL byte`);
  if (name.startsWith("/")) throw unsafeArchivePath(name, `${what} name is absolute`);
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0)
        throw unsafeArchivePath(name, `${what} name leaves the layer root through '..'`);
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts;
}

/** True when a relative `target`, resolved lexically from directory `dir` (components), leaves the root. */
export function symlinkEscapes(dir: readonly string[], target: string): boolean {
  if (target.startsWith("/")) return false;
  let depth = dir.length;
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") depth++;
    else if (depth-- === 0) return true;
  }
  return false;
}
